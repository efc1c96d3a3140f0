package dev.tokenledger.credentials;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * One WireMock server standing in for AWS SSO OIDC ({@code /oidc/<region>}: RegisterClient, StartDeviceAuthorization,
 * CreateToken) and Kiro's API ({@code /kiro-api}: ListAvailableProfiles, generateAssistantResponse answering real
 * event-stream frames), behind a provider {@code kiro} of type {@code kiro}; and Bedrock Runtime ({@code /bedrock}) for
 * a provider {@code bedrock} of type {@code bedrock} without a configured key (its pool: stored {@code aws}
 * credentials), region eu-west-3, and {@code bedrock-invoke} (InvokeModel with Anthropic bodies, the test key
 * configured with a session token).
 */
public class KiroUpstreams implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer server;

    static WireMockServer server() {
        return server;
    }

    static String url(String path) {
        return server.baseUrl() + path;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .containerThreads(32));
        server.start();
        Map<String, String> c = new HashMap<>();
        c.put("tokenledger.providers.kiro.type", "kiro");
        c.put("tokenledger.providers.kiro.base-url", server.baseUrl() + "/kiro-api");
        c.put("tokenledger.providers.kiro.timeout", "10s");
        c.put("tokenledger.providers.kiro.options.oidc-url", server.baseUrl() + "/oidc/{region}");
        c.put("tokenledger.providers.bedrock.type", "bedrock");
        c.put("tokenledger.providers.bedrock.base-url", server.baseUrl() + "/bedrock");
        c.put("tokenledger.providers.bedrock.options.region", "eu-west-3");
        c.put("tokenledger.providers.bedrock.timeout", "10s");
        c.put("tokenledger.providers.bedrock-invoke.type", "bedrock");
        c.put("tokenledger.providers.bedrock-invoke.base-url", server.baseUrl() + "/bedrock");
        c.put("tokenledger.providers.bedrock-invoke.options.region", "eu-west-3");
        c.put("tokenledger.providers.bedrock-invoke.options.api", "invoke-anthropic");
        c.put("tokenledger.providers.bedrock-invoke.api-key", "AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY:"
                + "invoke-session-token");
        c.put("tokenledger.credentials.kek", Base64.getEncoder().encodeToString(CredentialUpstreams.bytes(7)));
        c.put("tokenledger.credentials.reload-interval", "1s");
        c.put("tokenledger.credentials.refresh.sweep-interval", "500ms");
        c.put("tokenledger.credentials.refresh.retry-backoff", "50ms");
        c.put("tokenledger.credentials.refresh.max-attempts", "3");
        c.put("tokenledger.credentials.refresh.lock-ttl", "1s");
        c.put("tokenledger.credentials.logins.poll-tick", "200ms");
        c.put("tokenledger.credentials.logins.lease", "3s");
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
