package dev.tokenledger.credentials;

import java.util.Base64;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.tokenledger.testing.UpstreamConfig;
import dev.tokenledger.testing.WireMockResource;

/**
 * A WireMock upstream with three providers: {@code pooled} (no configured key: its pool is its stored credentials),
 * {@code keyed} (a configured key plus stored ones) and {@code spare} (the fallback deployment of alias
 * {@code pooled}); two key-encryption keys, {@code old} and {@code new}, the latter active.
 */
public class CredentialUpstreams extends WireMockResource {

    static final byte[] OLD_KEK = bytes(1);
    static final byte[] NEW_KEK = bytes(2);
    static final String CONFIGURED_KEY = "sk-configured-keyed-0001";

    static WireMockServer server() {
        return server(CredentialUpstreams.class);
    }

    static byte[] bytes(int seed) {
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed * 31 + i * 7);
        }
        return b;
    }

    @Override
    protected void configure(WireMockServer server, Map<String, String> c) {
        for (String id : new String[]{"pooled", "keyed", "spare"}) {
            UpstreamConfig.provider(c, id, "openai", server.baseUrl() + "/" + id + "/v1", "timeout", "5s");
        }
        c.put("tokenledger.providers.keyed.api-key", CONFIGURED_KEY);
        c.put("tokenledger.providers.spare.api-key", "sk-spare-000001");
        UpstreamConfig.deployment(c, "pooled", 0, "pooled", "pool-model");
        UpstreamConfig.deployment(c, "pooled", 1, "spare", "spare-model");
        c.put(UpstreamConfig.deploymentKey("pooled", 1) + "priority", "1");
        c.put("tokenledger.models.pooled.strategy", "fill-first");
        c.put("tokenledger.credentials.keks.old", Base64.getEncoder().encodeToString(OLD_KEK));
        c.put("tokenledger.credentials.keks.new", Base64.getEncoder().encodeToString(NEW_KEK));
        c.put("tokenledger.credentials.active-kek", "new");
        c.put("tokenledger.credentials.reload-interval", "1s");
        c.put("tokenledger.routing.max-retries", "0");
    }
}
