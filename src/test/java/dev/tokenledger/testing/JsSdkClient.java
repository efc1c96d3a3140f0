package dev.tokenledger.testing;

import java.net.URL;

import org.junit.jupiter.api.BeforeEach;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.http.TestHTTPResource;

/**
 * The base of a Quarkus test whose client is one of the official JavaScript SDKs ({@link NodeSdk}), run as a script of
 * {@code src/test/node} against the gateway in front of the {@link Upstreams} WireMock, which is reset before each
 * test.
 */
public abstract class JsSdkClient {

    @TestHTTPResource("/")
    URL gateway;

    private final String script;

    /** @param script the SDK's script, e.g. {@code anthropic.mjs} */
    protected JsSdkClient(String script) {
        this.script = script;
    }

    @BeforeEach
    void resetUpstream() {
        Upstreams.wireMock().resetAll();
    }

    /** The gateway's URL of {@code path} ({@code ""}: its root, without a trailing slash). */
    protected String gatewayUrl(String path) {
        return gateway.toString().replaceAll("/$", "") + path;
    }

    /** Runs {@code scenario} of the script against the gateway's root with model alias {@code model}. */
    protected JsonNode run(String scenario, String model) {
        return NodeSdk.run(script, scenario, gatewayUrl(""), model);
    }
}
