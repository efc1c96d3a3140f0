package dev.tokenledger.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.tokenledger.scenario.ScenarioFormats;
import dev.tokenledger.scenario.UpstreamSide;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.tokenledger.testing.UpstreamConfig.deployment;
import static dev.tokenledger.testing.UpstreamConfig.deploymentKey;
import static dev.tokenledger.testing.UpstreamConfig.provider;

/**
 * Simulated upstream providers for tests: a WireMock server for exact request/answer checks and a dribbling SSE
 * server that records when the gateway closes its connection. Both listen on free loopback ports and are wired into
 * the gateway's configuration as providers {@code mock} and {@code dribble}; {@code gmock} is a Gemini-type provider on
 * the same WireMock server (alias {@code gemini-test}).
 */
public class Upstreams implements QuarkusTestResourceLifecycleManager {

    public static final String UPSTREAM_KEY = "sk-upstream-secret-0123456789";
    public static final String AZURE_KEY = "azure-key-0123456789abcdef";

    private static WireMockServer wireMock;
    private static DribbleUpstream dribble;

    public static WireMockServer wireMock() {
        return wireMock;
    }

    public static DribbleUpstream dribble() {
        return dribble;
    }

    /** The WireMock upstream answers every POST to {@code url} with 200 and {@code body} as {@code contentType}. */
    public static void answers(String url, String contentType, byte[] body) {
        wireMock.stubFor(post(urlEqualTo(url)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", contentType).withBody(body)));
    }

    @Override
    public Map<String, String> start() {
        wireMock = UpstreamConfig.wireMock(0);
        dribble = new DribbleUpstream();
        dribble.start();
        Map<String, String> config = new HashMap<>();
        config.put("tokenledger.master-key", OpenAiFixtures.MASTER);
        // the packaged artifact runs in the prod profile: point it at the test database too
        config.put("quarkus.datasource.reactive.url", TestDb.REACTIVE_URL);
        config.put("quarkus.datasource.jdbc.url", TestDb.JDBC_URL);
        config.put("quarkus.datasource.username", "postgres");
        // and at the test Redis index (only there: the test profile has its own, and RedisBehindProxy replaces it)
        config.put("%prod.quarkus.redis.hosts", TestDb.REDIS_URL);
        config.put("tokenledger.ledger.spool-dir", "target/spool-" + ProcessHandle.current().pid());
        String base = wireMock.baseUrl();
        // mock is the chat-completions server the translation tests read; native-mock has the Responses API too
        provider(config, "mock", "openai", base + "/v1", "api-key", UPSTREAM_KEY, "timeout", "1500ms",
                "headers.x-upstream-tag", "tokenledger-test", "options.responses-api", "false");
        provider(config, "native-mock", "openai", base + "/native/v1", "api-key", UPSTREAM_KEY, "timeout", "10s");
        deployment(config, "gpt-native-test", 0, "native-mock", "gpt-4o-mini-2024-07-18");
        provider(config, "gmock", "gemini", base + "/v1beta", "api-key", UPSTREAM_KEY, "timeout", "5s");
        provider(config, "dribble", "openai", "http://127.0.0.1:" + dribble.port() + "/v1");
        provider(config, "anthropic-mock", "anthropic", base, "api-key", UPSTREAM_KEY, "timeout", "1500ms",
                "headers.anthropic-beta", "interleaved-thinking-2025-05-14");
        deployment(config, "claude-test", 0, "anthropic-mock", "claude-sonnet-4-5-20250929");
        deployment(config, "gpt-test", 0, "mock", "gpt-4o-mini-2024-07-18");
        deployment(config, "gemini-test", 0, "gmock", "gemini-2.5-flash");
        // provider types of issue #3 on the same WireMock, each below its own path; their tests time nothing, so a
        // loaded machine gets a generous timeout
        provider(config, "ollama-mock", "ollama", base + "/ollama", "timeout", "10s");
        deployment(config, "llama-test", 0, "ollama-mock", "llama3.2");
        provider(config, "azure-mock", "azure-openai", base + "/azure", "api-key", AZURE_KEY, "timeout", "10s");
        provider(config, "azure-v1-mock", "azure-openai", base + "/azure-v1/", "api-key", AZURE_KEY,
                "options.api-version", "v1", "options.auth", "bearer", "timeout", "10s");
        provider(config, "custom-mock", "openai", base + "/custom/v1", "headers.x-tenant", "acme",
                "headers.HTTP-Referer", "https://tokenledger.dev", "timeout", "10s");
        // an OpenAI server whose models are priced by another catalogue provider (a price-provider override)
        provider(config, "house-mock", "openai", base + "/house/v1", "price-provider", "e2e-house", "timeout", "10s");
        // providers that cannot be reached: a host that does not resolve, and a port nobody listens on
        provider(config, "unresolvable", "openai", "http://upstream-host.invalid/v1", "timeout", "3s");
        provider(config, "refused", "openai", "http://127.0.0.1:1/v1", "timeout", "3s");
        // models whose own metric series tests read: configured (a model outside the configuration is labelled other)
        for (String model : List.of("metrics-reported", "metrics-estimated", "model-without-a-price")) {
            config.put(deploymentKey(model, 0) + "provider", "mock");
        }
        deployment(config, "slow-stream", 0, "dribble", "dribble-model");
        for (UpstreamSide upstream : ScenarioFormats.UPSTREAMS) {
            String id = "sc-" + upstream.type();
            config.put("tokenledger.providers." + id + ".type", upstream.type());
            upstream.providerConfig(base)
                    .forEach((key, value) -> config.put("tokenledger.providers." + id + "." + key, value));
            deployment(config, scenarioAlias(upstream), 0, id, upstream.upstreamModel());
        }
        return config;
    }

    /** The alias the scenario suite uses to reach an upstream side's provider. */
    public static String scenarioAlias(UpstreamSide upstream) {
        return "sc-" + upstream.type();
    }

    @Override
    public void stop() {
        if (wireMock != null) {
            wireMock.stop();
        }
        if (dribble != null) {
            dribble.stop();
        }
    }
}
