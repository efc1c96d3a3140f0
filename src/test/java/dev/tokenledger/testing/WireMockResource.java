package dev.tokenledger.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A test resource standing in for upstreams with one WireMock server of its own ({@link UpstreamConfig#wireMock}),
 * started before the gateway and stopped after it: a subclass writes the gateway's configuration for it in
 * {@link #configure}, and its tests reach the running server with {@link #server(Class)}.
 */
public abstract class WireMockResource implements QuarkusTestResourceLifecycleManager {

    private static final Map<Class<?>, WireMockServer> SERVERS = new ConcurrentHashMap<>();

    /** The running server of {@code resource}; null when it does not run. */
    public static WireMockServer server(Class<? extends WireMockResource> resource) {
        return SERVERS.get(resource);
    }

    /** The URL of {@code path} on the running server of {@code resource}. */
    public static String url(Class<? extends WireMockResource> resource, String path) {
        return server(resource).baseUrl() + path;
    }

    /** The server's threads; 0 (the default): WireMock's own. */
    protected int containerThreads() {
        return 0;
    }

    /** Writes the gateway's configuration into {@code c} and stubs what must answer from the start. */
    protected abstract void configure(WireMockServer server, Map<String, String> c);

    @Override
    public Map<String, String> start() {
        WireMockServer server = UpstreamConfig.wireMock(containerThreads());
        SERVERS.put(getClass(), server);
        Map<String, String> c = new HashMap<>();
        configure(server, c);
        return c;
    }

    @Override
    public void stop() {
        WireMockServer server = SERVERS.remove(getClass());
        if (server != null) {
            server.stop();
        }
    }
}
