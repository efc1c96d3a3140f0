package dev.tokenledger.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import dev.tokenledger.provider.ProviderRegistry;
import dev.tokenledger.provider.openai.OpenAiProviderFactory;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.testing.ClassVertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up validation of the configuration: the property at fault and the valid choices are named. */
class ConfigValidationTest {

    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();

    static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
    }

    static ProviderRegistry registry(SmallRyeConfig config) {
        return new ProviderRegistry(config.getConfigMapping(GatewayConfig.class),
                List.of(new OpenAiProviderFactory(VERTX.get())),
                config);
    }

    /** The failure of adaptive pacing settings, or null when they are accepted. */
    static String adaptive(String property, String value) {
        var adaptive = config(Map.of("tokenledger.admission.adaptive." + property, value))
                .getConfigMapping(GatewayConfig.class).admission().adaptive();
        try {
            dev.tokenledger.admission.settlement.Pacing.check(adaptive);
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    @Test
    void adaptivePacingSettingsOutOfRangeAreRefusedNamingTheProperty() {
        assertEquals("tokenledger.admission.adaptive.header-threshold must be between 0 and 1 (got 5)",
                adaptive("header-threshold", "5"));
        assertEquals("tokenledger.admission.adaptive.header-threshold must be between 0 and 1 (got -0.1)",
                adaptive("header-threshold", "-0.1"));
        assertEquals(null, adaptive("header-threshold", "0"));
        assertEquals(null, adaptive("header-threshold", "1"));
        assertEquals("tokenledger.admission.adaptive.decrease must be between 0 and 1, exclusive (got 1)",
                adaptive("decrease", "1"));
        assertEquals("tokenledger.admission.adaptive.decrease must be between 0 and 1, exclusive (got 0)",
                adaptive("decrease", "0"));
        assertEquals(null, adaptive("decrease", "0.7"));
        assertEquals("tokenledger.admission.adaptive.increase must not be negative (got -1)", adaptive("increase", "-1"));
        assertEquals("tokenledger.admission.adaptive.min-rate and initial-rate must be positive (got 0 and 10)",
                adaptive("min-rate", "0"));
        assertEquals("tokenledger.admission.adaptive.forget-after must be positive (got PT0S)",
                adaptive("forget-after", "0s"));
    }

    @Test
    void aSettledTtlShorterThanAHoldAndTwoReconciliationsIsRefused() {
        var admission = config(Map.of("tokenledger.admission.settled-ttl", "10m")).getConfigMapping(GatewayConfig.class)
                .admission();
        var refused = assertThrows(IllegalStateException.class,
                () -> dev.tokenledger.admission.settlement.Settlement.check(admission));
        assertEquals("tokenledger.admission.settled-ttl must be at least hold-ttl + 2 x orphans-interval + 1m "
                + "(PT12M; got PT10M)", refused.getMessage());
        dev.tokenledger.admission.settlement.Settlement.check(config(Map.of("tokenledger.admission.settled-ttl", "12m"))
                .getConfigMapping(GatewayConfig.class).admission());
        dev.tokenledger.admission.settlement.Settlement
                .check(config(Map.of()).getConfigMapping(GatewayConfig.class).admission());
    }

    @Test
    void unknownProviderTypeNamesThePropertyAndTheValidTypes() {
        SmallRyeConfig config = config(Map.of("tokenledger.providers.acme.type", "acme-ai"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry(config));
        assertEquals("tokenledger.providers.acme.type: unknown provider type 'acme-ai'; valid types: [openai]", e.getMessage());
    }

    @Test
    void modelNamingAMissingProviderNamesThePropertyAndTheConfiguredProviders() {
        SmallRyeConfig config = config(Map.of(
                "tokenledger.providers.main.type", "openai",
                "tokenledger.models.fast.deployments[0].provider", "main",
                "tokenledger.models.fast.deployments[1].provider", "backup"));
        ProviderRegistry registry = registry(config);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ModelRouter(config.getConfigMapping(GatewayConfig.class), registry));
        assertEquals("tokenledger.models.\"fast\".deployments[1].provider: unknown provider 'backup'; "
                + "configured providers: [main]", e.getMessage());
    }

    @Test
    void unknownDefaultProviderIsRejected() {
        SmallRyeConfig config = config(Map.of("tokenledger.providers.main.type", "openai",
                "tokenledger.default-provider", "other"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry(config));
        assertTrue(e.getMessage().startsWith("tokenledger.default-provider: unknown provider 'other'"), e.getMessage());
    }

    @Test
    void withNoProvidersTheEnvironmentCreatesOpenAiAsTheDefault() {
        SmallRyeConfig config = config(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:9/v1", "OPENAI_API_KEY", "sk-x"));
        ProviderRegistry registry = registry(config);
        assertEquals("openai", registry.defaultProvider().orElseThrow().id());
        ModelRouter router = new ModelRouter(config.getConfigMapping(GatewayConfig.class), registry);
        assertEquals("gpt-4o-mini", router.resolve("gpt-4o-mini").primary().upstreamModel());
        assertEquals("gpt-4o", router.resolve("openai/gpt-4o").primary().upstreamModel());
    }

    @Test
    void withNothingConfiguredThereIsNoProviderAndNoRoute() {
        SmallRyeConfig config = config(Map.of());
        ProviderRegistry registry = registry(config);
        assertTrue(registry.all().isEmpty());
        ModelRouter router = new ModelRouter(config.getConfigMapping(GatewayConfig.class), registry);
        assertTrue(router.find("gpt-4o-mini").isEmpty());
    }

    @Test
    void defaultsApply() {
        GatewayConfig config = config(Map.of("tokenledger.providers.p.type", "openai")).getConfigMapping(GatewayConfig.class);
        assertEquals(10L * 1024 * 1024, config.limits().maxBodySize().asLongValue());
        assertEquals(60, config.providers().get("p").timeout().toSeconds());
        assertTrue(config.masterKey().isEmpty());
    }
}
