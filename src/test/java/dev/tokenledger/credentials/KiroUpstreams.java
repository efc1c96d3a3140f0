package dev.tokenledger.credentials;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.tokenledger.testing.UpstreamConfig;
import dev.tokenledger.testing.WireMockResource;

/**
 * One WireMock server standing in for AWS SSO OIDC ({@code /oidc/<region>}: RegisterClient, StartDeviceAuthorization,
 * CreateToken) and Kiro's API ({@code /kiro-api}: ListAvailableProfiles, generateAssistantResponse answering real
 * event-stream frames), behind a provider {@code kiro} of type {@code kiro}; and Bedrock Runtime ({@code /bedrock}) for
 * a provider {@code bedrock} of type {@code bedrock} without a configured key (its pool: stored {@code aws}
 * credentials), region eu-west-3, and {@code bedrock-invoke} (InvokeModel with Anthropic bodies, the test key
 * configured with a session token).
 */
public class KiroUpstreams extends WireMockResource {

    static WireMockServer server() {
        return server(KiroUpstreams.class);
    }

    @Override
    protected int containerThreads() {
        return 32;
    }

    @Override
    protected void configure(WireMockServer server, Map<String, String> c) {
        String base = server.baseUrl();
        UpstreamConfig.provider(c, "kiro", "kiro", base + "/kiro-api", "timeout", "10s", "options.oidc-url",
                base + "/oidc/{region}");
        UpstreamConfig.provider(c, "bedrock", "bedrock", base + "/bedrock", "options.region", "eu-west-3", "timeout",
                "10s");
        UpstreamConfig.provider(c, "bedrock-invoke", "bedrock", base + "/bedrock", "options.region", "eu-west-3",
                "options.api", "invoke-anthropic", "api-key",
                "AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY:invoke-session-token");
        UpstreamConfig.refreshingCredentials(c, CredentialUpstreams.bytes(7), 3);
        UpstreamConfig.shortLogins(c);
    }
}
