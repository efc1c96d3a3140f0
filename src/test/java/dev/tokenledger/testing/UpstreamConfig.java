package dev.tokenledger.testing;

import java.util.Base64;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

/**
 * What the test resources write into the gateway's configuration again and again: a WireMock stand-in on a free
 * loopback port, providers on it, the deployments of model aliases, and the credential store's short timings.
 */
public final class UpstreamConfig {

    private UpstreamConfig() {
    }

    /** A started WireMock server on a free loopback port, with {@code containerThreads} threads (0: WireMock's own). */
    public static WireMockServer wireMock(int containerThreads) {
        WireMockConfiguration options = WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1");
        WireMockServer server = new WireMockServer(containerThreads > 0
                ? options.containerThreads(containerThreads)
                : options);
        server.start();
        return server;
    }

    /**
     * A {@link #wireMock} upstream that answers every OpenAI chat completion ({@code POST /v1/chat/completions}) with
     * 200 and {@code completion} as JSON.
     */
    public static WireMockServer completing(int containerThreads, String completion) {
        WireMockServer server = wireMock(containerThreads);
        server.stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(completion)));
        return server;
    }

    /**
     * Provider {@code id} of {@code type} at {@code baseUrl}, with further settings as pairs of the key below
     * {@code tokenledger.providers.<id>.} and its value ({@code "api-key", KEY, "timeout", "5s"}).
     */
    public static void provider(Map<String, String> c, String id, String type, String baseUrl, String... settings) {
        String prefix = "tokenledger.providers." + id + ".";
        c.put(prefix + "type", type);
        c.put(prefix + "base-url", baseUrl);
        for (int i = 0; i < settings.length; i += 2) {
            c.put(prefix + settings[i], settings[i + 1]);
        }
    }

    /** Deployment {@code index} of alias {@code alias}: {@code model} on {@code provider}. */
    public static void deployment(Map<String, String> c, String alias, int index, String provider, String model) {
        c.put(deploymentKey(alias, index) + "provider", provider);
        c.put(deploymentKey(alias, index) + "model", model);
    }

    /** The prefix of deployment {@code index}'s settings of alias {@code alias}. */
    public static String deploymentKey(String alias, int index) {
        return "tokenledger.models." + alias + ".deployments[" + index + "].";
    }

    /**
     * The credential store of the refresh tests: {@code kek} the one key-encryption key, stored credentials reloaded
     * every second, refreshes swept every 500 ms and retried after 50 ms up to {@code maxAttempts} times, and no
     * routing retry (a failed credential shows in the answer).
     */
    public static void refreshingCredentials(Map<String, String> c, byte[] kek, int maxAttempts) {
        c.put("tokenledger.credentials.kek", Base64.getEncoder().encodeToString(kek));
        c.put("tokenledger.credentials.reload-interval", "1s");
        c.put("tokenledger.credentials.refresh.sweep-interval", "500ms");
        c.put("tokenledger.credentials.refresh.retry-backoff", "50ms");
        c.put("tokenledger.credentials.refresh.max-attempts", String.valueOf(maxAttempts));
        c.put("tokenledger.routing.max-retries", "0");
    }

    /**
     * Logins polled every 200 ms under a 3 s lease, refresh locks of 1 s: shorter than the race test's 1.5 s token
     * endpoint, so that every run has a refresh outlasting its lock's TTL and the lock's renewal is what keeps the
     * refresh single.
     */
    public static void shortLogins(Map<String, String> c) {
        c.put("tokenledger.credentials.refresh.lock-ttl", "1s");
        c.put("tokenledger.credentials.logins.poll-tick", "200ms");
        c.put("tokenledger.credentials.logins.lease", "3s");
    }
}
