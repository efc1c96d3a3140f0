package dev.tokenledger.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.tokenledger.scenario.ScenarioFormats;
import dev.tokenledger.scenario.UpstreamSide;

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

    @Override
    public Map<String, String> start() {
        wireMock = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        wireMock.start();
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
        config.put("tokenledger.providers.mock.type", "openai");
        config.put("tokenledger.providers.mock.base-url", wireMock.baseUrl() + "/v1");
        config.put("tokenledger.providers.mock.api-key", UPSTREAM_KEY);
        config.put("tokenledger.providers.mock.timeout", "1500ms");
        config.put("tokenledger.providers.mock.headers.x-upstream-tag", "tokenledger-test");
        // mock is the chat-completions server the translation tests read; native-mock has the Responses API too
        config.put("tokenledger.providers.mock.options.responses-api", "false");
        config.put("tokenledger.providers.native-mock.type", "openai");
        config.put("tokenledger.providers.native-mock.base-url", wireMock.baseUrl() + "/native/v1");
        config.put("tokenledger.providers.native-mock.api-key", UPSTREAM_KEY);
        config.put("tokenledger.providers.native-mock.timeout", "10s");
        config.put("tokenledger.models.gpt-native-test.deployments[0].provider", "native-mock");
        config.put("tokenledger.models.gpt-native-test.deployments[0].model", "gpt-4o-mini-2024-07-18");
        config.put("tokenledger.providers.gmock.type", "gemini");
        config.put("tokenledger.providers.gmock.base-url", wireMock.baseUrl() + "/v1beta");
        config.put("tokenledger.providers.gmock.api-key", UPSTREAM_KEY);
        config.put("tokenledger.providers.gmock.timeout", "5s");
        config.put("tokenledger.providers.dribble.type", "openai");
        config.put("tokenledger.providers.dribble.base-url", "http://127.0.0.1:" + dribble.port() + "/v1");
        config.put("tokenledger.providers.anthropic-mock.type", "anthropic");
        config.put("tokenledger.providers.anthropic-mock.base-url", wireMock.baseUrl());
        config.put("tokenledger.providers.anthropic-mock.api-key", UPSTREAM_KEY);
        config.put("tokenledger.providers.anthropic-mock.timeout", "1500ms");
        config.put("tokenledger.providers.anthropic-mock.headers.anthropic-beta", "interleaved-thinking-2025-05-14");
        config.put("tokenledger.models.claude-test.deployments[0].provider", "anthropic-mock");
        config.put("tokenledger.models.claude-test.deployments[0].model", "claude-sonnet-4-5-20250929");
        config.put("tokenledger.models.gpt-test.deployments[0].provider", "mock");
        config.put("tokenledger.models.gpt-test.deployments[0].model", "gpt-4o-mini-2024-07-18");
        config.put("tokenledger.models.gemini-test.deployments[0].provider", "gmock");
        config.put("tokenledger.models.gemini-test.deployments[0].model", "gemini-2.5-flash");
        // provider types of issue #3 on the same WireMock, each below its own path; their tests time nothing, so a
        // loaded machine gets a generous timeout
        config.put("tokenledger.providers.ollama-mock.type", "ollama");
        config.put("tokenledger.providers.ollama-mock.base-url", wireMock.baseUrl() + "/ollama");
        config.put("tokenledger.providers.ollama-mock.timeout", "10s");
        config.put("tokenledger.models.llama-test.deployments[0].provider", "ollama-mock");
        config.put("tokenledger.models.llama-test.deployments[0].model", "llama3.2");
        config.put("tokenledger.providers.azure-mock.type", "azure-openai");
        config.put("tokenledger.providers.azure-mock.base-url", wireMock.baseUrl() + "/azure");
        config.put("tokenledger.providers.azure-mock.api-key", AZURE_KEY);
        config.put("tokenledger.providers.azure-mock.timeout", "10s");
        config.put("tokenledger.providers.azure-v1-mock.type", "azure-openai");
        config.put("tokenledger.providers.azure-v1-mock.base-url", wireMock.baseUrl() + "/azure-v1/");
        config.put("tokenledger.providers.azure-v1-mock.api-key", AZURE_KEY);
        config.put("tokenledger.providers.azure-v1-mock.options.api-version", "v1");
        config.put("tokenledger.providers.azure-v1-mock.options.auth", "bearer");
        config.put("tokenledger.providers.azure-v1-mock.timeout", "10s");
        config.put("tokenledger.providers.custom-mock.type", "openai");
        config.put("tokenledger.providers.custom-mock.base-url", wireMock.baseUrl() + "/custom/v1");
        config.put("tokenledger.providers.custom-mock.headers.x-tenant", "acme");
        config.put("tokenledger.providers.custom-mock.headers.HTTP-Referer", "https://tokenledger.dev");
        config.put("tokenledger.providers.custom-mock.timeout", "10s");
        // an OpenAI server whose models are priced by another catalogue provider (a price-provider override)
        config.put("tokenledger.providers.house-mock.type", "openai");
        config.put("tokenledger.providers.house-mock.base-url", wireMock.baseUrl() + "/house/v1");
        config.put("tokenledger.providers.house-mock.price-provider", "e2e-house");
        config.put("tokenledger.providers.house-mock.timeout", "10s");
        // providers that cannot be reached: a host that does not resolve, and a port nobody listens on
        config.put("tokenledger.providers.unresolvable.type", "openai");
        config.put("tokenledger.providers.unresolvable.base-url", "http://upstream-host.invalid/v1");
        config.put("tokenledger.providers.unresolvable.timeout", "3s");
        config.put("tokenledger.providers.refused.type", "openai");
        config.put("tokenledger.providers.refused.base-url", "http://127.0.0.1:1/v1");
        config.put("tokenledger.providers.refused.timeout", "3s");
        // models whose own metric series tests read: configured (a model outside the configuration is labelled other)
        for (String model : List.of("metrics-reported", "metrics-estimated", "model-without-a-price")) {
            config.put("tokenledger.models." + model + ".deployments[0].provider", "mock");
        }
        config.put("tokenledger.models.slow-stream.deployments[0].provider", "dribble");
        config.put("tokenledger.models.slow-stream.deployments[0].model", "dribble-model");
        for (UpstreamSide upstream : ScenarioFormats.UPSTREAMS) {
            String id = "sc-" + upstream.type();
            config.put("tokenledger.providers." + id + ".type", upstream.type());
            upstream.providerConfig(wireMock.baseUrl())
                    .forEach((key, value) -> config.put("tokenledger.providers." + id + "." + key, value));
            config.put("tokenledger.models." + scenarioAlias(upstream) + ".deployments[0].provider", id);
            config.put("tokenledger.models." + scenarioAlias(upstream) + ".deployments[0].model", upstream.upstreamModel());
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
