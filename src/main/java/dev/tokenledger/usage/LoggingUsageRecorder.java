package dev.tokenledger.usage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.arc.DefaultBean;
import io.quarkus.logging.Log;

import dev.tokenledger.observability.GatewayMetrics;

/** Usage recorder used until a ledger is configured: counts usage in metrics and logs it at debug level. */
@DefaultBean
@ApplicationScoped
public class LoggingUsageRecorder implements UsageRecorder {

    @Inject
    GatewayMetrics metrics;

    @Override
    public void record(UsageRecord record) {
        metrics.usage(record);
        if (Log.isDebugEnabled()) {
            Log.debugf("usage request=%s subject=%s model=%s provider=%s outcome=%s prompt=%d cached=%d completion=%d "
                    + "reasoning=%d source=%s streamed=%s", record.requestId(), record.subject(), record.requestedModel(),
                    record.providerId(), record.outcome(), record.usage().promptTokens(), record.usage().cachedPromptTokens(),
                    record.usage().completionTokens(), record.usage().reasoningTokens(), record.usage().source(),
                    record.streamed());
        }
    }
}
