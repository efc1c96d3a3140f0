package dev.tokenledger.credentials;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * One WireMock server standing in for every upstream of logins and refreshes: GitHub ({@code /github}: device codes,
 * OAuth token endpoint), GitHub's API ({@code /ghapi}: the Copilot token exchange), the Copilot API
 * ({@code /copilot-api}; {@code /copilot2-api} for a second Copilot provider whose model list has a
 * Responses-only model), a generic OAuth token endpoint ({@code /oauth/token}) and two OpenAI-format providers whose
 * stored credentials carry refresh tokens ({@code oauthy}, {@code duo}).
 */
public class LoginUpstreams implements QuarkusTestResourceLifecycleManager {

    static final byte[] KEK = CredentialUpstreams.bytes(5);

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
                .containerThreads(64));
        server.start();
        Map<String, String> c = new HashMap<>();
        c.put("tokenledger.providers.copilot.type", "github-copilot");
        c.put("tokenledger.providers.copilot.base-url", server.baseUrl() + "/copilot-default");
        c.put("tokenledger.providers.copilot.timeout", "5s");
        c.put("tokenledger.providers.copilot.options.github-url", server.baseUrl() + "/github");
        c.put("tokenledger.providers.copilot.options.github-api-url", server.baseUrl() + "/ghapi");
        c.put("tokenledger.providers.copilot.options.client-secret", "app-secret-123");
        c.put("tokenledger.providers.copilot.options.editor-version", "vscode/9.9.9");
        c.put("tokenledger.providers.copilot2.type", "github-copilot");
        c.put("tokenledger.providers.copilot2.base-url", server.baseUrl() + "/copilot-default");
        c.put("tokenledger.providers.copilot2.options.github-api-url", server.baseUrl() + "/ghapi");
        for (String id : new String[]{"oauthy", "duo", "imported", "rejecting"}) {
            c.put("tokenledger.providers." + id + ".type", "openai");
            c.put("tokenledger.providers." + id + ".base-url", server.baseUrl() + "/" + id + "/v1");
            // generous: 200 concurrent requests on a loaded machine must not time out
            c.put("tokenledger.providers." + id + ".timeout", "60s");
            c.put("tokenledger.providers." + id + ".connect-timeout", "30s");
            // requests queue for a connection instead of opening hundreds of sockets to the stand-in at once
            c.put("tokenledger.providers." + id + ".max-connections", "16");
        }
        c.put("tokenledger.providers.duo.pool-strategy", "fill-first");
        c.put("tokenledger.providers.embedder.type", "openai");
        c.put("tokenledger.providers.embedder.base-url", server.baseUrl() + "/embedder/v1");
        c.put("tokenledger.providers.embedder.pool-strategy", "fill-first");
        c.put("tokenledger.credentials.fingerprints.github-copilot.headers.X-Fingerprint",
                "m={machine-id};v={option:editor-version}");
        c.put("tokenledger.credentials.kek", Base64.getEncoder().encodeToString(KEK));
        c.put("tokenledger.credentials.reload-interval", "1s");
        c.put("tokenledger.credentials.refresh.sweep-interval", "500ms");
        c.put("tokenledger.credentials.refresh.retry-backoff", "50ms");
        c.put("tokenledger.credentials.refresh.max-attempts", "3");
        // shorter than the race test's 1.5 s token endpoint: every run has a refresh outlasting its lock's TTL (what a
        // loaded machine used to produce by chance), so the lock's renewal is what keeps the refresh single
        c.put("tokenledger.credentials.refresh.lock-ttl", "1s");
        c.put("tokenledger.credentials.logins.poll-tick", "200ms");
        c.put("tokenledger.credentials.logins.lease", "3s");
        c.put("tokenledger.routing.max-retries", "0");
        // an attempt's own timeout as in production: 200 requests queued on 16 connections to one stand-in, on a
        // machine loaded many times over, take longer than the short one the routing tests use (this resource starts
        // after theirs, so its value is the one kept; the race test checks it)
        c.put("tokenledger.routing.attempt-timeout", "60s");
        return c;
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
