package dev.tokenledger.admission.settlement;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

import dev.tokenledger.admission.limits.AdmissionMetrics;
import dev.tokenledger.admission.limits.Check;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.json.Json;

/**
 * Soft budget alerts: the settle call that takes a scope past its soft threshold wins a {@code SET NX} in Redis, so
 * exactly one replica alerts, once per window. The alert is counted and POSTed as JSON to the configured webhook,
 * retried with backoff.
 */
@ApplicationScoped
public class BudgetAlerts {

    private final GatewayConfig config;
    private final AdmissionMetrics metrics;
    private final Vertx vertx;

    @Inject
    public BudgetAlerts(GatewayConfig config, AdmissionMetrics metrics, Vertx vertx) {
        this.config = config;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    private volatile HttpClient client;

    public void crossed(Check check, long spentMicros) {
        metrics.alert(check.scopeType());
        Log.warnf("Budget of %s crossed its soft threshold: %s of %s micro-USD spent in window %s", check.label(),
                spentMicros, check.limit(), check.window().id());
        config.admission().alerts().webhookUrl().ifPresent(url -> {
            ObjectNode body = Json.NODES.objectNode();
            body.put("type", "budget.soft_threshold_crossed");
            body.put("scope", check.label());
            body.put("scopeType", check.scopeType());
            body.put("window", check.window().id());
            body.put("windowStart", check.window().start().toString());
            body.put("windowEnd", check.window().end().toString());
            body.put("budgetUsd", usd(check.limit()));
            body.put("thresholdUsd", usd(check.softMicros()));
            body.put("spentUsd", usd(spentMicros));
            body.put("at", Instant.now().toString());
            post(url, Json.write(body), 1);
        });
    }

    private void post(String url, byte[] body, int attempt) {
        send(url, body).subscribe().with(status -> {
            if (status / 100 != 2) {
                retry(url, body, attempt, "HTTP " + status);
            }
        }, failure -> retry(url, body, attempt, failure.getMessage()));
    }

    private void retry(String url, byte[] body, int attempt, String why) {
        var alerts = config.admission().alerts();
        if (attempt >= alerts.attempts()) {
            Log.errorf("Budget alert webhook failed %d times (%s); alert dropped", attempt, why);
            return;
        }
        Duration wait = alerts.backoff().multipliedBy(1L << Math.min(10, attempt - 1));
        vertx.setTimer(Math.max(1, wait.toMillis()), id -> post(url, body, attempt + 1));
    }

    private Uni<Integer> send(String url, byte[] body) {
        if (client == null) {
            client = vertx.createHttpClient();
        }
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .putHeader("Content-Type", "application/json").setTimeout(5000))
                .chain(request -> request.send(Buffer.buffer(body)))
                .chain(response -> response.body().map(b -> response.statusCode()));
    }

    private static String usd(long micros) {
        return java.math.BigDecimal.valueOf(micros, 6).toPlainString();
    }
}
