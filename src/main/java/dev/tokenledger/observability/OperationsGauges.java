package dev.tokenledger.observability;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.credentials.CredentialStatus;
import dev.tokenledger.credentials.CredentialStore;
import dev.tokenledger.ledger.LedgerWriter;
import dev.tokenledger.provider.ProviderRegistry;
import dev.tokenledger.routing.Cooldowns;
import dev.tokenledger.routing.ModelRouter;

/**
 * Gauges the alert rules of {@code k8s/base/alerts.yaml} watch: rows waiting in the ledger spool, deployments cooling
 * down, stored credentials that need a login. Cooldowns and credentials live in Redis and PostgreSQL: they are read
 * every {@value #REFRESH_MS} ms, never on a scrape. Label values are configured deployments and providers (bounded).
 */
@ApplicationScoped
public class OperationsGauges {

    static final long REFRESH_MS = 15_000;

    private final MeterRegistry meters;
    private final ProviderRegistry registry;
    private final ModelRouter router;
    private final Cooldowns cooldowns;
    private final CredentialStore credentials;
    private final Vertx vertx;
    private final BoundedLabel providers;
    private final Map<String, AtomicLong> cooling = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> needsLogin = new ConcurrentHashMap<>();
    private long timer = -1;

    @Inject
    public OperationsGauges(MeterRegistry meters, ProviderRegistry registry, ModelRouter router, Cooldowns cooldowns,
            CredentialStore credentials, LedgerWriter ledger, Vertx vertx, GatewayConfig config) {
        this.meters = meters;
        this.registry = registry;
        this.router = router;
        this.cooldowns = cooldowns;
        this.credentials = credentials;
        this.vertx = vertx;
        this.providers = new BoundedLabel(config.metrics().maxLabelValues());
        Gauge.builder("tokenledger.ledger.spooled.rows", ledger, LedgerWriter::spooledRows)
                .description("Ledger rows waiting in the local spool for PostgreSQL (-1: the spool cannot be read)")
                .register(meters);
        Gauge.builder("tokenledger.ledger.logged.rows", ledger, LedgerWriter::loggedRows)
                .description("Ledger rows in the write-ahead log on their way to PostgreSQL (forced, not yet committed)")
                .register(meters);
    }

    void start(@Observes StartupEvent event) {
        Set<String> deployments = new TreeSet<>();
        router.aliases().values().forEach(route -> route.targets().forEach(t -> deployments.add(t.id())));
        deployments.forEach(id -> cooling.put(id, gauge("tokenledger.deployment.cooldown",
                "1 while the deployment is cooling down after failures, else 0", "deployment", id)));
        // every configured provider has its series from the start (0), so that an alert on it can be checked
        registry.all().forEach(p -> needsLogin.computeIfAbsent(providers.of(p.id()), this::needsLoginGauge));
        refresh();
        timer = vertx.setPeriodic(REFRESH_MS, id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Reads cooldowns and credential states; a failure keeps the last values (Redis or PostgreSQL may be down). */
    void refresh() {
        cooldowns.active(cooling.keySet()).subscribe().with(
                active -> cooling.forEach((id, value) -> value.set(active.containsKey(id) ? 1 : 0)),
                failure -> {
                });
        credentials.all().subscribe().with(rows -> {
            Map<String, Long> counts = new java.util.HashMap<>();
            rows.forEach(row -> counts.merge(providers.of(row.provider()),
                    row.status() == CredentialStatus.NEEDS_LOGIN ? 1L : 0L, Long::sum));
            needsLogin.forEach((provider, value) -> value.set(counts.getOrDefault(provider, 0L)));
            counts.forEach((provider, count) -> needsLogin.computeIfAbsent(provider, this::needsLoginGauge).set(count));
        }, failure -> {
        });
    }

    private AtomicLong needsLoginGauge(String provider) {
        return gauge("tokenledger.credentials.needs.login",
                "Stored credentials out of their pool until someone logs in again (status needs_login)", "provider",
                provider);
    }

    private AtomicLong gauge(String name, String description, String tag, String value) {
        AtomicLong holder = new AtomicLong();
        Gauge.builder(name, holder, AtomicLong::doubleValue).description(description).tags(tag, value)
                .register(meters);
        return holder;
    }
}
