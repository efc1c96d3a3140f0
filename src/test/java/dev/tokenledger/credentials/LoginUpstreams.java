package dev.tokenledger.credentials;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.tokenledger.testing.UpstreamConfig;
import dev.tokenledger.testing.WireMockResource;

/**
 * One WireMock server standing in for every upstream of logins and refreshes: GitHub ({@code /github}: device codes,
 * OAuth token endpoint), GitHub's API ({@code /ghapi}: the Copilot token exchange), the Copilot API
 * ({@code /copilot-api}; {@code /copilot2-api} for a second Copilot provider whose model list has a
 * Responses-only model), a generic OAuth token endpoint ({@code /oauth/token}) and two OpenAI-format providers whose
 * stored credentials carry refresh tokens ({@code oauthy}, {@code duo}).
 */
public class LoginUpstreams extends WireMockResource {

    static final byte[] KEK = CredentialUpstreams.bytes(5);

    static WireMockServer server() {
        return server(LoginUpstreams.class);
    }

    static String url(String path) {
        return url(LoginUpstreams.class, path);
    }

    @Override
    protected int containerThreads() {
        return 64;
    }

    @Override
    protected void configure(WireMockServer server, Map<String, String> c) {
        UpstreamConfig.provider(c, "copilot", "github-copilot", url("/copilot-default"), "timeout", "5s",
                "options.github-url", url("/github"), "options.github-api-url", url("/ghapi"),
                "options.client-secret", "app-secret-123", "options.editor-version", "vscode/9.9.9");
        UpstreamConfig.provider(c, "copilot2", "github-copilot", url("/copilot-default"), "options.github-api-url",
                url("/ghapi"));
        for (String id : new String[]{"oauthy", "duo", "imported", "rejecting"}) {
            // generous timeouts: 200 concurrent requests on a loaded machine must not time out; requests queue for a
            // connection instead of opening hundreds of sockets to the stand-in at once
            UpstreamConfig.provider(c, id, "openai", url("/" + id + "/v1"), "timeout", "60s", "connect-timeout", "30s",
                    "max-connections", "16");
        }
        c.put("tokenledger.providers.duo.pool-strategy", "fill-first");
        UpstreamConfig.provider(c, "embedder", "openai", url("/embedder/v1"), "pool-strategy", "fill-first");
        c.put("tokenledger.credentials.fingerprints.github-copilot.headers.X-Fingerprint",
                "m={machine-id};v={option:editor-version}");
        UpstreamConfig.refreshingCredentials(c, KEK, 3);
        // the lock's TTL shorter than the race test's 1.5 s token endpoint (what a loaded machine used to produce by
        // chance)
        UpstreamConfig.shortLogins(c);
        // an attempt's own timeout as in production: 200 requests queued on 16 connections to one stand-in, on a
        // machine loaded many times over, take longer than the short one the routing tests use (this resource starts
        // after theirs, so its value is the one kept; the race test checks it)
        c.put("tokenledger.routing.attempt-timeout", "60s");
    }

    @Override
    public int order() {
        return 100;
    }
}
