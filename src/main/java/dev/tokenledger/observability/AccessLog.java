package dev.tokenledger.observability;

import java.math.BigDecimal;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.tokenledger.auth.Principal;
import dev.tokenledger.http.RequestContext;
import dev.tokenledger.usage.UsageRecord;

/**
 * One line per answered request in the category {@value #CATEGORY} (level INFO): request id, method, path, status,
 * key id, model, tokens, cost in USD or {@code unpriced}, latency. Never a prompt, a key or a header value. With JSON
 * logs ({@code quarkus.log.console.json.enabled=true}) the same values are also separate fields (MDC), so a log store
 * can filter on them.
 */
@ApplicationScoped
public class AccessLog {

    public static final String CATEGORY = "tokenledger.access";

    private static final Logger LOG = Logger.getLogger(CATEGORY);
    private static final String[] FIELDS = {"request_id", "status", "key_id", "model", "input_tokens", "output_tokens",
            "cost_usd", "latency_ms", "trace_id"};

    /** Whether lines are written at all (the category's level lets INFO through); read once per request. */
    public boolean enabled() {
        return LOG.isInfoEnabled();
    }

    /** Writes the line of a request whose answer ended (or whose client left) with this status. */
    public void log(RequestContext ctx, String method, String path, int status) {
        UsageRecord usage = ctx.usage();
        Principal who = ctx.principal();
        String key = who.keyId() != null ? who.keyId().toString() : who.subject();
        String model = usage == null ? "-" : usage.requestedModel();
        String input = usage == null ? "-" : String.valueOf(usage.usage().promptTokens());
        String output = usage == null ? "-" : String.valueOf(usage.usage().completionTokens());
        String cost = usage == null ? "-" : cost(usage);
        long millis = (System.nanoTime() - ctx.startNanos()) / 1_000_000;
        String[] values = {ctx.requestId(), String.valueOf(status), key, model, input, output, cost,
                String.valueOf(millis), ctx.traceId()};
        for (int i = 0; i < FIELDS.length; i++) {
            if (values[i] != null) {
                MDC.put(FIELDS[i], values[i]);
            }
        }
        try {
            LOG.infof("%s %s %d request_id=%s key=%s model=%s tokens=%s/%s cost=%s latency_ms=%d", method, path, status,
                    ctx.requestId(), key, model, input, output, cost, millis);
        } finally {
            for (String field : FIELDS) {
                MDC.remove(field);
            }
        }
    }

    private static String cost(UsageRecord usage) {
        if (usage.cached()) {
            return "0 (cached)";
        }
        if (!usage.priced().priced()) {
            return "unpriced";
        }
        BigDecimal usd = usage.priced().cost().exactUsd();
        return usd.stripTrailingZeros().toPlainString();
    }
}
