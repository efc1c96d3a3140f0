package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.ConfiguredModels;
import dev.tokenledger.config.GatewayConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pricer without a database: what an unpriced request leaves behind (the bounded metric and one log line per
 * model), the quote, the order in which a deployment's providers are looked up, and the counts a usage is priced by.
 */
class PricerTest {

    private static final Instant AT = Instant.parse("2026-08-21T12:00:00Z");
    private static final String METRIC = "tokenledger.unpriced.requests";

    private final List<String> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            // printf-style, formatted by the logging backend either before (JDK) or after (JBoss) the record
            Object[] parameters = record.getParameters();
            warnings.add(parameters == null ? record.getMessage() : String.format(record.getMessage(), parameters));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger logger = Logger.getLogger(Pricer.class.getName());

    private SimpleMeterRegistry registry;

    @BeforeEach
    void listen() {
        registry = new SimpleMeterRegistry();
        logger.addHandler(capture);
        // the lines are asserted here, not printed
        logger.setUseParentHandlers(false);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
        logger.setUseParentHandlers(true);
    }

    private static PriceVersion version(long id, String provider, String model, String input, String output) {
        Map<Unit, UnitPrice> units = new EnumMap<>(Unit.class);
        units.put(Unit.INPUT, UnitPrice.flat(new BigDecimal(input)));
        units.put(Unit.OUTPUT, UnitPrice.flat(new BigDecimal(output)));
        return new PriceVersion(id, provider, model, Instant.EPOCH, new PriceSheet(units), "test", null, "test",
                Instant.EPOCH, ServiceTier.STANDARD, null, null);
    }

    private static final PriceVersion GPT_4O = version(3, "openai", "gpt-4o", "2.50", "10");
    private static final Usage USAGE = new Usage(1000, 0, 0, 1000, 0, Usage.Source.PROVIDER);

    private Pricer pricer(ConfiguredModels configured, PriceVersion... versions) {
        return new Pricer(PriceBook.of(List.of(versions)), registry, configured);
    }

    private double unpricedCount(String provider, String model) {
        Counter counter = registry.find(METRIC).tags("provider", provider, "model", model).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A configuration with one model served by one deployment. */
    private static ConfiguredModels configured(String alias, String provider, String upstreamModel) {
        GatewayConfig config = new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(io.quarkus.runtime.configuration.MemorySize.class, 100,
                        new io.quarkus.runtime.configuration.MemorySizeConverter())
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of(
                        "tokenledger.models." + alias + ".deployments[0].provider", provider,
                        "tokenledger.models." + alias + ".deployments[0].model", upstreamModel), "test", 100))
                .build().getConfigMapping(GatewayConfig.class);
        return new ConfiguredModels(config);
    }

    @Test
    void anUnpricedRequestIsCountedUnderItsProviderAndABoundedModelLabel() {
        Pricer pricer = pricer(ConfiguredModels.none(), GPT_4O);

        PricedUsage first = pricer.price("mock", "openai", "gpt-9-unknown", USAGE, AT);
        PricedUsage second = pricer.price("mock", "openai", "another-unknown", USAGE, AT);

        assertFalse(first.priced());
        assertNull(first.priceVersionId());
        assertEquals("openai", first.priceProvider());
        assertFalse(second.priced());
        // two names beyond the configuration share one label: client input cannot grow the meters
        assertEquals(2.0, unpricedCount("openai", ConfiguredModels.OTHER));
        assertEquals(1, registry.find(METRIC).counters().size());
        // logged once for every model outside the configuration, not once per request or name
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("reported once for every"), warnings::toString);
    }

    @Test
    void aConfiguredDeploymentIsCountedAndLoggedUnderItsOwnModel() {
        Pricer pricer = pricer(configured("fast", "mock", "gpt-9"), GPT_4O);

        pricer.price("mock", "openai", "gpt-9", USAGE, AT);
        pricer.price("mock", "openai", "gpt-9", USAGE, AT);
        // the same model name through a provider that does not serve it as configured is "other"
        pricer.price("elsewhere", "openai", "gpt-9", USAGE, AT);

        assertEquals(2.0, unpricedCount("openai", "gpt-9"));
        assertEquals(1.0, unpricedCount("openai", ConfiguredModels.OTHER));
        assertEquals(2, warnings.size(), warnings::toString);
        assertFalse(warnings.get(0).contains("reported once for every"), warnings::toString);
        assertTrue(warnings.get(1).contains("reported once for every"), warnings::toString);
    }

    @Test
    void aPricedRequestIsNeitherCountedNorLogged() {
        Pricer pricer = pricer(ConfiguredModels.none(), GPT_4O);

        PricedUsage priced = pricer.price("mock", "openai", "gpt-4o", USAGE, AT);

        assertEquals(12_500, priced.cost().micros());
        assertEquals(3L, priced.priceVersionId());
        assertEquals("gpt-4o", priced.priceModel());
        assertEquals("exact", priced.priceMatch());
        assertTrue(registry.find(METRIC).counters().isEmpty());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aQuoteIsTheCostOrEmptyAndCountsNothing() {
        Pricer pricer = pricer(ConfiguredModels.none(), GPT_4O);

        assertEquals(12_500, pricer.quote("mock", "openai", "gpt-4o", USAGE, AT).orElseThrow().micros());
        assertTrue(pricer.quote("mock", "openai", "gpt-9-unknown", USAGE, AT).isEmpty());
        assertTrue(registry.find(METRIC).counters().isEmpty());
        assertEquals(List.of(), warnings);
    }

    @Test
    void usageTheSheetCannotPriceIsUnpricedButNamesTheEntryAndIsLoggedOncePerModel() {
        Pricer pricer = pricer(ConfiguredModels.none(), GPT_4O);
        Usage searched = USAGE.withDetail(USAGE.detail().withWebSearches(2));

        PricedUsage first = pricer.evaluate("mock", "openai", "gpt-4o", searched, AT);
        PricedUsage second = pricer.evaluate("mock", "openai", "gpt-4o", searched, AT);

        assertNull(first.cost());
        assertNull(first.priceVersionId());
        assertEquals("openai", first.priceProvider());
        assertEquals("gpt-4o", first.priceModel());
        assertEquals("exact", first.priceMatch());
        assertEquals(first, second);
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).contains("cannot be priced"), warnings::toString);
        // evaluate counts nothing; price counts the unpriced request
        assertTrue(registry.find(METRIC).counters().isEmpty());
        assertFalse(pricer.price("mock", "openai", "gpt-4o", searched, AT).priced());
        assertEquals(1.0, unpricedCount("openai", ConfiguredModels.OTHER));
    }

    @Test
    void theLinesAboutUnpriceableUsageAreBounded() {
        Pricer pricer = pricer(ConfiguredModels.none(), version(1, "openai", PriceBook.ANY_MODEL, "1", "1"));
        Usage searched = USAGE.withDetail(USAGE.detail().withWebSearches(1));

        for (int i = 0; i < 1001; i++) {
            assertFalse(pricer.evaluate("mock", "openai", "model-" + i, searched, AT).priced());
        }

        // one line for each of the first 1,000 models, then nothing: model names are client input
        assertEquals(1000, warnings.size());
        assertTrue(warnings.get(999).contains("cannot be priced"), warnings::toString);
    }

    @Test
    void theDeploymentsOwnProviderIsLookedUpFirstThenItsPriceProvider() {
        PriceVersion negotiated = version(6, "mock", "gpt-4o", "1", "1");
        Pricer pricer = pricer(ConfiguredModels.none(), GPT_4O, negotiated);

        assertEquals(6L, pricer.evaluate("mock", "openai", "gpt-4o", USAGE, AT).priceVersionId());
        assertEquals(3L, pricer.evaluate("other", "openai", "gpt-4o", USAGE, AT).priceVersionId());
        // no deployment provider: the price provider alone
        assertEquals(3L, pricer.evaluate(null, "openai", "gpt-4o", USAGE, AT).priceVersionId());
        // no price provider: the deployment's own entries alone
        PricedUsage own = pricer.evaluate("mock", null, "gpt-4o", USAGE, AT);
        assertEquals(6L, own.priceVersionId());
        assertNull(own.priceProvider());
        PricedUsage none = pricer.evaluate("other", null, "gpt-4o", USAGE, AT);
        assertFalse(none.priced());
        assertNull(none.priceProvider());
        assertNull(none.priceModel());
        assertNull(none.priceMatch());
    }

    @Test
    void aBedrockArnIsPricedAsTheModelItNamesUnlessItHasAnEntryOfItsOwn() {
        String id = "anthropic.claude-sonnet-4-5-20250929-v1:0";
        PriceVersion claude = version(7, "aws", id, "3", "15");
        String profileArn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
        PriceVersion application = version(8, "aws", profileArn, "4", "20");
        Pricer pricer = pricer(ConfiguredModels.none(), claude, application);

        String foundation = "arn:aws:bedrock:us-east-1::foundation-model/" + id;
        String profile = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/" + id;
        assertEquals(id, Pricer.bedrockArnModel(foundation));
        assertEquals(id, Pricer.bedrockArnModel(profile));
        assertEquals(7L, pricer.evaluate("bedrock", "aws", foundation, USAGE, AT).priceVersionId());
        assertEquals(7L, pricer.evaluate("bedrock", "aws", profile, USAGE, AT).priceVersionId());
        // an application profile names no model: its own entry, or nothing
        assertNull(Pricer.bedrockArnModel(profileArn));
        assertEquals(8L, pricer.evaluate("bedrock", "aws", profileArn, USAGE, AT).priceVersionId());
        assertFalse(pricer.evaluate("bedrock", "aws", profileArn.replace("abc123", "zzz"), USAGE, AT).priced());
        // not Bedrock ARNs, or naming nothing
        assertNull(Pricer.bedrockArnModel(id));
        assertNull(Pricer.bedrockArnModel(null));
        assertNull(Pricer.bedrockArnModel("arn:aws:sagemaker:us-east-1::foundation-model/" + id));
        assertNull(Pricer.bedrockArnModel("arn:aws:bedrock:us-east-1::foundation-model/"));
        assertNull(Pricer.bedrockArnModel("arn:aws:bedrock:us-east-1"));
        assertFalse(pricer.evaluate("bedrock", "aws", "arn:aws:bedrock:us-east-1::foundation-model/other.model-v1:0",
                USAGE, AT).priced());
    }

    @Test
    void aUsageIsCountedUnitByUnit() {
        Usage.Detail detail = new Usage.Detail(7, 11, 3, 13, 2, 17, 19, 23, 29, 5, null, 31, 37);
        Usage usage = new Usage(1000, 100, 40, 500, 60, Usage.Source.PROVIDER, detail);

        TokenCounts counts = Pricer.counts(usage);

        Map<Unit, Long> expected = new EnumMap<>(Unit.class);
        expected.put(Unit.INPUT, 1000L);
        expected.put(Unit.CACHE_READ, 100L);
        expected.put(Unit.CACHE_WRITE, 40L);
        expected.put(Unit.CACHE_WRITE_1H, 7L);
        expected.put(Unit.CACHE_WRITE_5M, 33L);
        expected.put(Unit.INPUT_AUDIO, 11L);
        expected.put(Unit.CACHE_AUDIO_READ, 3L);
        expected.put(Unit.INPUT_IMAGE, 13L);
        expected.put(Unit.CACHE_IMAGE_READ, 2L);
        expected.put(Unit.INPUT_VIDEO, 17L);
        expected.put(Unit.INPUT_TOOL, 19L);
        expected.put(Unit.OUTPUT, 500L);
        expected.put(Unit.REASONING, 60L);
        expected.put(Unit.OUTPUT_AUDIO, 23L);
        expected.put(Unit.OUTPUT_IMAGE, 29L);
        expected.put(Unit.WEB_SEARCHES, 5L);
        expected.put(Unit.AUDIO_SECONDS, 68L);
        expected.put(Unit.INPUT_AUDIO_SECONDS, 31L);
        expected.put(Unit.OUTPUT_AUDIO_SECONDS, 37L);
        expected.put(Unit.REQUESTS, 1L);
        assertEquals(expected, counts.counts());
    }

    @Test
    void countsThatContradictEachOtherAreRefused() {
        // more one-hour writes than writes
        Usage usage = new Usage(1000, 0, 10, 10, 0, Usage.Source.PROVIDER,
                Usage.Detail.NONE.withCacheWrite1h(11));

        assertThrows(IllegalArgumentException.class, () -> Pricer.counts(usage));
    }
}
