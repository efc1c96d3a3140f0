package dev.tokenledger.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.smallrye.config.SmallRyeConfig;

import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderFactoriesOnClasspath;
import dev.tokenledger.provider.ProviderFactory;
import dev.tokenledger.provider.ProviderOption;
import dev.tokenledger.provider.ProviderRegistry;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.ProviderType;
import dev.tokenledger.provider.openai.OpenAiProviderFactory;
import dev.tokenledger.testing.ClassVertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One provider pattern: every factory declares its type (options, default price provider), and the registry validates
 * every provider's configuration against the declaration, whatever the type.
 */
class ProviderOptionsTest {

    /** The options of the types the gateway has today; a new type is covered by the declaration it brings. */
    private static final Map<String, String> VALID_OPTIONS = Map.of(
            "openai", "[responses-api]",
            "azure-openai", "[api-version, auth]",
            "anthropic", "[]",
            "gemini", "[]",
            "ollama", "[]",
            "lmstudio", "[]");

    @RegisterExtension
    static final ClassVertx VERTX = new ClassVertx();
    static List<ProviderFactory> factories;

    @BeforeAll
    static void start() {
        factories = ProviderFactoriesOnClasspath.instances(VERTX.get());
    }

    static Stream<String> types() {
        return ProviderFactoriesOnClasspath.instances(null).stream().map(f -> f.type().name()).sorted();
    }

    private static ProviderRegistry registry(Map<String, String> properties) {
        SmallRyeConfig config = ConfigValidationTest.config(properties);
        return new ProviderRegistry(config.getConfigMapping(GatewayConfig.class), factories, config);
    }

    /** Values for the options a type requires, so that its other checks can be seen. */
    private static final Map<String, Map<String, String>> REQUIRED = Map.of("vertex",
            Map.of("options.project", "my-project-1"));

    private static Map<String, String> provider(String type, String... more) {
        Map<String, String> properties = new HashMap<>();
        properties.put("tokenledger.providers.p.type", type);
        properties.put("tokenledger.providers.p.base-url", "http://127.0.0.1:9");
        REQUIRED.getOrDefault(type, Map.of()).forEach((k, v) -> properties.put("tokenledger.providers.p." + k, v));
        for (int i = 0; i < more.length; i += 2) {
            properties.put("tokenledger.providers.p." + more[i], more[i + 1]);
        }
        return properties;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void anUnknownOptionFailsStartUpNamingItAndTheValidOnes(String type) {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> registry(provider(type, "options.no-such-option", "1")));
        String valid = VALID_OPTIONS.getOrDefault(type, declaredOptions(type).toString());
        assertEquals("tokenledger.providers.p.options.no-such-option: unknown option for type '" + type
                + "'; valid options: " + valid, refused.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void everyTypeIsPricedByItsDeclaredPriceProviderUnlessConfiguredOtherwise(String type) {
        ProviderType declared = declaration(type);
        assertEquals(declared.defaultPriceProvider(), registry(provider(type)).find("p").orElseThrow().priceProvider());
        assertEquals("lmstudio",
                registry(provider(type, "price-provider", "lmstudio")).find("p").orElseThrow().priceProvider());
    }

    @Test
    void theTypesOfTodayAreAllFoundAndEachIsACdiBeanOnTheOneBase() {
        Set<String> found = types().collect(Collectors.toCollection(TreeSet::new));
        assertTrue(found.containsAll(VALID_OPTIONS.keySet()), "found " + found);
        for (Class<? extends ProviderFactory> factory : ProviderFactoriesOnClasspath.classes()) {
            assertTrue(HttpProviderFactory.class.isAssignableFrom(factory), factory.getName());
            assertTrue(factory.isAnnotationPresent(Singleton.class) || factory.isAnnotationPresent(ApplicationScoped.class),
                    factory.getName() + " must be a CDI bean for the registry to find it");
        }
    }

    @Test
    void declaredOptionDefaultsReachTheFactoryAndConfiguredValuesWin() {
        List<ProviderSettings> seen = new ArrayList<>();
        ProviderFactory recording = new TestFactory(ProviderType.of("acme", "http://acme.example", "acme",
                ProviderOption.of("region", "eu", "Region"), ProviderOption.optional("project", "Project"))) {
            @Override
            public Provider create(ProviderSettings settings) {
                seen.add(settings);
                return new OpenAiProviderFactory(VERTX.get()).create(settings);
            }
        };
        SmallRyeConfig config = ConfigValidationTest.config(Map.of("tokenledger.providers.a.type", "acme",
                "tokenledger.providers.b.type", "acme", "tokenledger.providers.b.options.region", "us",
                "tokenledger.providers.b.options.project", "p1"));
        new ProviderRegistry(config.getConfigMapping(GatewayConfig.class), List.of(recording), config);
        assertEquals(Map.of("region", "eu"), seen.get(0).options());
        assertEquals(Map.of("region", "us", "project", "p1"), seen.get(1).options());
        assertEquals("acme", seen.get(0).priceProvider().orElseThrow());
    }

    @Test
    void invalidDeclarationsFailStartUpNamingTheFactory() {
        ProviderFactory openai = new OpenAiProviderFactory(VERTX.get());
        ProviderFactory twin = new TestFactory(ProviderType.of("openai", "http://x", "openai"));
        assertEquals("provider type 'openai' is declared twice, by " + OpenAiProviderFactory.class.getName() + " and "
                + twin.getClass().getName(), failure(List.of(openai, twin)));
        ProviderFactory unpriced = new TestFactory(ProviderType.of("acme", "http://x", " "));
        assertEquals("provider type 'acme' declares no default price provider (declared by "
                + unpriced.getClass().getName() + ")", failure(List.of(unpriced)));
        ProviderFactory badOption = new TestFactory(ProviderType.of("acme", "http://x", "acme",
                ProviderOption.optional("apiVersion", "Version")));
        assertEquals("provider type 'acme' declares option 'apiVersion': option names are lower-case words joined by "
                + "'-' (declared by " + badOption.getClass().getName() + ")", failure(List.of(badOption)));
        ProviderFactory twice = new TestFactory(ProviderType.of("acme", "http://x", "acme",
                ProviderOption.optional("region", "a"), ProviderOption.optional("region", "b")));
        assertEquals("provider type 'acme' declares option 'region' twice (declared by " + twice.getClass().getName() + ")",
                failure(List.of(twice)));
        ProviderFactory badName = new TestFactory(ProviderType.of("Acme AI", "http://x", "acme"));
        assertEquals("provider type name 'Acme AI' must be lower-case words joined by '-' (declared by "
                + badName.getClass().getName() + ")", failure(List.of(badName)));
    }

    @Test
    void aRequiredOptionAndAnInvalidValueFailStartUpNamingTheProperty() {
        ProviderFactory acme = new TestFactory(ProviderType.of("acme", "http://x", "acme",
                ProviderOption.required("project", "Project id").matching("[a-z]+"),
                ProviderOption.of("region", "eu", "Region").matching("eu|us")));
        assertEquals("tokenledger.providers.a.options.project: required for type 'acme' (Project id)",
                failure(List.of(acme), Map.of("tokenledger.providers.a.type", "acme")));
        assertEquals("tokenledger.providers.a.options.region: invalid value 'mars' for type 'acme' (Region)",
                failure(List.of(acme), Map.of("tokenledger.providers.a.type", "acme",
                        "tokenledger.providers.a.options.project", "p", "tokenledger.providers.a.options.region", "mars")));
        IllegalStateException vertex = assertThrows(IllegalStateException.class, () -> registry(Map.of(
                "tokenledger.providers.v.type", "vertex", "tokenledger.providers.v.options.project", "my-project-1",
                "tokenledger.providers.v.options.location", "us-east5/../x")));
        assertTrue(vertex.getMessage().startsWith("tokenledger.providers.v.options.location: invalid value"),
                vertex.getMessage());
    }

    @Test
    void aBlankPriceProviderIsRefusedNamingTheTypesDefault() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> registry(provider("gemini", "price-provider", " ")));
        assertEquals("tokenledger.providers.p.price-provider: must name a catalogue provider; by default type 'gemini' "
                + "is priced as 'google'", refused.getMessage());
    }

    private static String failure(List<ProviderFactory> factories) {
        return failure(factories, Map.of());
    }

    private static String failure(List<ProviderFactory> factories, Map<String, String> properties) {
        SmallRyeConfig config = ConfigValidationTest.config(properties);
        return assertThrows(IllegalStateException.class,
                () -> new ProviderRegistry(config.getConfigMapping(GatewayConfig.class), factories, config)).getMessage();
    }

    private static ProviderType declaration(String type) {
        return factories.stream().map(ProviderFactory::type).filter(t -> t.name().equals(type)).findFirst().orElseThrow();
    }

    private static Set<String> declaredOptions(String type) {
        return declaration(type).options().stream().map(ProviderOption::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** A factory declared by a test. */
    static class TestFactory extends HttpProviderFactory {
        TestFactory(ProviderType type) {
            super(VERTX.get(), type);
        }

        @Override
        public Provider create(ProviderSettings settings) {
            throw new UnsupportedOperationException();
        }
    }
}
