package dev.tokenledger.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/**
 * The gateway with Redis behind an in-process {@link TcpProxy}, so a test can cut Redis off without stopping the
 * shared server, plus provider {@code limited}: a WireMock upstream that answers 429 above a rate, or reports the rate
 * left in headers ({@link RateLimitedUpstream}); {@code limited-anthropic} is an Anthropic-type provider on it, and alias
 * {@code paced-fallback} a failing primary with a fallback there.
 */
public class RedisBehindProxy extends Upstreams {

    private static TcpProxy proxy;
    private static WireMockServer limitedServer;
    private static RateLimitedUpstream limited;

    /** Runs the test class on {@link RedisBehindProxy} alone. */
    public static class Profile extends OwnResource {
        public Profile() {
            super(RedisBehindProxy.class);
        }
    }

    public static TcpProxy proxy() {
        return proxy;
    }

    private static final String RUN = java.util.UUID.randomUUID().toString().substring(0, 8);

    /** The upstream model of a configured deployment on the limited upstreams, unique to this run. */
    public static String deployment(String name) {
        return name + "-" + RUN;
    }

    public static WireMockServer limitedServer() {
        return limitedServer;
    }

    public static RateLimitedUpstream limited() {
        return limited;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        try {
            proxy = new TcpProxy("127.0.0.1", TestDb.REDIS_PORT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        limited = new RateLimitedUpstream();
        limitedServer = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .containerThreads(64).extensions(limited));
        limitedServer.start();
        config.put("quarkus.redis.hosts", "redis://127.0.0.1:" + proxy.port() + "/" + TestDb.REDIS_DB);
        config.put("tokenledger.admission.redis-timeout", "1s");
        config.put("tokenledger.admission.adaptive.enabled", "true");
        // the deployment's own guards stay out of the way of the pacing under test: no breaker, brief cooldowns
        config.put("tokenledger.routing.breaker-request-volume", "1000");
        config.put("tokenledger.routing.cooldown.rate-limited", "50ms");
        config.put("tokenledger.routing.cooldown.rate-limited-max", "100ms");
        config.put("tokenledger.admission.redis-retry-after", "500ms");
        // DriftTest: a check every second, a tolerance of 100 micro-USD
        config.put("tokenledger.admission.drift-interval", "1s");
        config.put("tokenledger.admission.drift-tolerance", "100");
        config.put("tokenledger.admission.alerts.webhook-url", limitedServer.baseUrl() + "/alerts");
        config.put("tokenledger.admission.alerts.backoff", "100ms");
        UpstreamConfig.provider(config, "limited", "openai", limitedServer.baseUrl() + "/v1", "api-key", UPSTREAM_KEY);
        UpstreamConfig.provider(config, "limited-anthropic", "anthropic", limitedServer.baseUrl(), "api-key",
                UPSTREAM_KEY);
        // the deployments whose paces tests learn: configured (a name outside the configuration shares its provider's
        // pace), unique to this run so that a pace left in Redis by an earlier run does not carry over
        for (String name : List.of("adaptive", "headers", "room")) {
            UpstreamConfig.deployment(config, "paced-" + name, 0, "limited", deployment(name));
        }
        UpstreamConfig.deployment(config, "paced-claude-headers", 0, "limited-anthropic", deployment("claude-headers"));
        // a primary that fails and a fallback that answers, both on the limited upstream
        UpstreamConfig.deployment(config, "paced-fallback", 0, "limited", "fallback-broken");
        UpstreamConfig.deployment(config, "paced-fallback", 1, "limited", "fallback-spare");
        return config;
    }

    @Override
    public void stop() {
        super.stop();
        if (limitedServer != null) {
            limitedServer.stop();
        }
        if (proxy != null) {
            proxy.close();
        }
    }
}
