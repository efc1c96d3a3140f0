package dev.tokenledger.credentials;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A WireMock upstream with three providers: {@code pooled} (no configured key: its pool is its stored credentials),
 * {@code keyed} (a configured key plus stored ones) and {@code spare} (the fallback deployment of alias
 * {@code pooled}); two key-encryption keys, {@code old} and {@code new}, the latter active.
 */
public class CredentialUpstreams implements QuarkusTestResourceLifecycleManager {

    static final byte[] OLD_KEK = bytes(1);
    static final byte[] NEW_KEK = bytes(2);
    static final String CONFIGURED_KEY = "sk-configured-keyed-0001";

    private static WireMockServer server;

    static WireMockServer server() {
        return server;
    }

    static byte[] bytes(int seed) {
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed * 31 + i * 7);
        }
        return b;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        Map<String, String> c = new HashMap<>();
        for (String id : new String[]{"pooled", "keyed", "spare"}) {
            c.put("tokenledger.providers." + id + ".type", "openai");
            c.put("tokenledger.providers." + id + ".base-url", server.baseUrl() + "/" + id + "/v1");
            c.put("tokenledger.providers." + id + ".timeout", "5s");
        }
        c.put("tokenledger.providers.keyed.api-key", CONFIGURED_KEY);
        c.put("tokenledger.providers.spare.api-key", "sk-spare-000001");
        c.put("tokenledger.models.pooled.deployments[0].provider", "pooled");
        c.put("tokenledger.models.pooled.deployments[0].model", "pool-model");
        c.put("tokenledger.models.pooled.deployments[1].provider", "spare");
        c.put("tokenledger.models.pooled.deployments[1].model", "spare-model");
        c.put("tokenledger.models.pooled.deployments[1].priority", "1");
        c.put("tokenledger.models.pooled.strategy", "fill-first");
        c.put("tokenledger.credentials.keks.old", Base64.getEncoder().encodeToString(OLD_KEK));
        c.put("tokenledger.credentials.keks.new", Base64.getEncoder().encodeToString(NEW_KEK));
        c.put("tokenledger.credentials.active-kek", "new");
        c.put("tokenledger.credentials.reload-interval", "1s");
        c.put("tokenledger.routing.max-retries", "0");
        return c;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
