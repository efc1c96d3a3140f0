package dev.tokenledger.credentials;

import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.tokenledger.testing.UpstreamConfig;

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
        server = UpstreamConfig.wireMock(32);
        Map<String, String> c = new HashMap<>();
        UpstreamConfig.provider(c, "kiro", "kiro", url("/kiro-api"), "timeout", "10s", "options.oidc-url",
                url("/oidc/{region}"));
        UpstreamConfig.provider(c, "bedrock", "bedrock", url("/bedrock"), "options.region", "eu-west-3", "timeout",
                "10s");
        UpstreamConfig.provider(c, "bedrock-invoke", "bedrock", url("/bedrock"), "options.region", "eu-west-3",
                "options.api", "invoke-anthropic", "api-key",
                "AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY:invoke-session-token");
        UpstreamConfig.refreshingCredentials(c, CredentialUpstreams.bytes(7), 3);
        UpstreamConfig.shortLogins(c);
        return c;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
