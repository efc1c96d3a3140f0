package dev.tokenledger.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderRegistry;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.routing.Route;
import dev.tokenledger.routing.Target;

/**
 * One log line at start-up saying what this gateway was configured with: providers (id, type, host), model aliases
 * with their deployments, the default provider, where limits come from, and whether tracing, JSON logs and the
 * access log are on. Hosts only: never a key, a header value or a URL's user part.
 */
@ApplicationScoped
public class StartupSummary {

    private final GatewayConfig config;
    private final ProviderRegistry providers;
    private final ModelRouter router;
    private final Tracing tracing;
    private final AccessLog accessLog;
    private final Config raw;

    @Inject
    public StartupSummary(GatewayConfig config, ProviderRegistry providers, ModelRouter router, Tracing tracing,
            AccessLog accessLog, Config raw) {
        this.config = config;
        this.providers = providers;
        this.router = router;
        this.tracing = tracing;
        this.accessLog = accessLog;
        this.raw = raw;
    }

    void onStart(@Observes StartupEvent event) {
        Log.info(summary());
    }

    /** The summary line. */
    String summary() {
        TreeMap<String, String> byId = new TreeMap<>();
        for (Provider p : providers.all()) {
            String host = config.providers().containsKey(p.id())
                    ? config.providers().get(p.id()).baseUrl().map(StartupSummary::host).orElse("default")
                    : "default";
            byId.put(p.id(), p.type() + "@" + host);
        }
        List<String> aliases = new ArrayList<>();
        new TreeMap<>(router.aliases()).forEach((alias, route) -> aliases.add(alias + " -> " + deployments(route)));
        return "TokenLedger configured: providers " + byId + "; aliases " + aliases + "; default provider "
                + config.defaultProvider().orElse("none") + "; limits and budgets from PostgreSQL (admin API), "
                + "enforced through Redis" + (config.auth().disabled() ? "; CLIENT AUTHENTICATION DISABLED" : "")
                + "; tracing " + (tracing.enabled()
                        ? "on (OTLP " + config.tracing().endpoint().map(StartupSummary::host)
                                .orElse("?") + ")"
                        : "off")
                + "; JSON logs " + (raw.getOptionalValue("quarkus.log.console.json.enabled", Boolean.class).orElse(false)
                        ? "on"
                        : "off")
                + "; access log " + (accessLog.enabled() ? "on" : "off");
    }

    private static String deployments(Route route) {
        List<String> ids = new ArrayList<>();
        for (Target t : route.targets()) {
            ids.add(t.id());
        }
        return String.join(", ", ids);
    }

    /** The host and port of a URL, without its user part, path or query. */
    static String host(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url.trim());
            if (uri.getHost() == null) {
                return "?";
            }
            return uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }
}
