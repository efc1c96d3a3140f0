package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.ConfiguredModels;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.anthropic.AnthropicUsage;
import dev.tokenledger.wire.gemini.GeminiUsage;
import dev.tokenledger.wire.openai.OpenAiUsage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The under-billing classes of the metering, each with its reproducing numbers, through the decoders and the one
 * pricing path ({@link Pricer#evaluate}): A 1-hour cache writes, B web searches and audio, C dated model names.
 */
class MeteringClassesTest {

    private static final Instant AT = Instant.parse("2026-08-21T12:00:00Z");

    private static UnitPrice flat(String price) {
        return UnitPrice.flat(new BigDecimal(price));
    }

    private static PriceVersion version(long id, String provider, String model, MatchRule match, Object... prices) {
        Map<Unit, UnitPrice> units = new EnumMap<>(Unit.class);
        for (int i = 0; i < prices.length; i += 2) {
            units.put((Unit) prices[i], flat((String) prices[i + 1]));
        }
        return new PriceVersion(id, provider, model, Instant.EPOCH, new PriceSheet(units), "test", null, "test",
                Instant.EPOCH, ServiceTier.STANDARD, null, match);
    }

    private static final PriceVersion SONNET = version(1, "anthropic", "claude-sonnet-4-5", null, Unit.INPUT, "3",
            Unit.CACHE_READ, "0.30", Unit.CACHE_WRITE, "3.75", Unit.CACHE_WRITE_1H, "6", Unit.OUTPUT, "15",
            Unit.WEB_SEARCHES, "10");
    private static final PriceVersion FLASH = version(2, "google", "gemini-2.5-flash", null, Unit.INPUT, "0.30",
            Unit.INPUT_AUDIO, "1", Unit.CACHE_READ, "0.075", Unit.OUTPUT, "2.50");
    private static final PriceVersion GPT_4O = version(3, "openai", "gpt-4o", null, Unit.INPUT, "2.50",
            Unit.CACHE_READ, "1.25", Unit.OUTPUT, "10");
    private static final PriceVersion GPT_4O_MAY = version(4, "openai", "gpt-4o-2024-05-13", null, Unit.INPUT, "5",
            Unit.OUTPUT, "15");

    private static Pricer pricer(PriceVersion... versions) {
        return new Pricer(PriceBook.of(List.of(versions)), new SimpleMeterRegistry(), ConfiguredModels.none());
    }

    private static JsonNode json(String text) {
        return Json.toNode(new io.vertx.core.json.JsonObject(text).getMap());
    }

    @Test
    void classAOneHourCacheWritesAreBilledAtTheOneHourRate() {
        Usage usage = AnthropicUsage.read(json("""
                {"input_tokens":0,"cache_read_input_tokens":10000,"cache_creation_input_tokens":20000,
                 "cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":20000},"output_tokens":500}"""));

        PricedUsage priced = pricer(SONNET).evaluate("anthropic", "anthropic", "claude-sonnet-4-5", usage, AT);

        // 20,000 x $6 + 10,000 x $0.30 + 500 x $15 per million; at the 5-minute rate it was $0.0855
        assertEquals(130_500, priced.cost().micros());
        assertEquals(0, new BigDecimal("0.12").compareTo(priced.cost().breakdown().get("cache_write_1h")));
        assertEquals(20_000, usage.detail().cacheWrite1hTokens());
    }

    @Test
    void classAOneHourWritesSurviveAStream() {
        AnthropicUsage.Running running = new AnthropicUsage.Running();
        running.apply(json("""
                {"input_tokens":1000,"cache_read_input_tokens":20000,"cache_creation_input_tokens":3000,
                 "cache_creation":{"ephemeral_5m_input_tokens":2000,"ephemeral_1h_input_tokens":1000},"output_tokens":1}"""));
        Usage usage = running.apply(json("{\"output_tokens\":500,\"server_tool_use\":{\"web_search_requests\":0}}"));

        // money-rules.md worked example A: $0.030000
        assertEquals(30_000, pricer(SONNET).evaluate("anthropic", "anthropic", "claude-sonnet-4-5", usage, AT).cost()
                .micros());
    }

    @Test
    void classBWebSearchesAreBilled() {
        Usage usage = AnthropicUsage.read(json("""
                {"input_tokens":1000,"output_tokens":500,"server_tool_use":{"web_search_requests":3},
                 "service_tier":"standard"}"""));

        PricedUsage priced = pricer(SONNET).evaluate("anthropic", "anthropic", "claude-sonnet-4-5", usage, AT);

        // $0.0105 of tokens + 3 searches at $10 per thousand
        assertEquals(40_500, priced.cost().micros());
    }

    @Test
    void classBWebSearchesWithoutAPriceLeaveTheRequestUnpriced() {
        PriceVersion noSearch = version(9, "anthropic", "claude-x", null, Unit.INPUT, "3", Unit.OUTPUT, "15");
        Usage usage = AnthropicUsage.read(json("{\"input_tokens\":1,\"output_tokens\":1,"
                + "\"server_tool_use\":{\"web_search_requests\":1}}"));

        PricedUsage priced = pricer(noSearch).evaluate("anthropic", "anthropic", "claude-x", usage, AT);

        assertFalse(priced.priced());
        assertEquals("claude-x", priced.priceModel());
    }

    @Test
    void classBGeminiAudioInputIsBilledAtTheAudioRate() {
        Usage usage = GeminiUsage.read(json("""
                {"promptTokenCount":100000,"candidatesTokenCount":200,"totalTokenCount":100200,
                 "promptTokensDetails":[{"modality":"TEXT","tokenCount":10000},{"modality":"AUDIO","tokenCount":90000}]}"""));

        PricedUsage priced = pricer(FLASH).evaluate("gmock", "google", "gemini-2.5-flash", usage, AT);

        // 10,000 x $0.30 + 90,000 x $1 + 200 x $2.50 per million; without the audio split it was $0.0305
        assertEquals(93_500, priced.cost().micros());
    }

    @Test
    void classCADatedSnapshotIsPricedByItsOwnEntry() {
        Usage usage = OpenAiUsage.read(json("{\"prompt_tokens\":12,\"completion_tokens\":7}"));
        Pricer pricer = pricer(GPT_4O, GPT_4O_MAY);

        PricedUsage may = pricer.evaluate("mock", "openai", "gpt-4o-2024-05-13", usage, AT);
        assertEquals(165, may.cost().micros());
        assertEquals("gpt-4o-2024-05-13", may.priceModel());
        assertEquals("exact", may.priceMatch());
        assertEquals(4L, may.priceVersionId());

        assertEquals(100, pricer.evaluate("mock", "openai", "gpt-4o", usage, AT).cost().micros());
    }

    @Test
    void classCAnUnmatchedDatedSnapshotIsUnpricedNotACousin() {
        Usage usage = OpenAiUsage.read(json("{\"prompt_tokens\":12,\"completion_tokens\":7}"));

        PricedUsage unmatched = pricer(GPT_4O).evaluate("mock", "openai", "gpt-4o-2024-05-13", usage, AT);
        assertFalse(unmatched.priced());
        assertNull(unmatched.priceModel());

        // a match clause that names the snapshot prices it, and says so
        PriceVersion withRule = version(5, "openai", "gpt-4o", MatchRule.parse(json(
                "{\"or\":[{\"equals\":\"gpt-4o-2024-08-06\"},{\"regex\":\"^gpt-4o-2024-11-\\\\d\\\\d$\"}]}")),
                Unit.INPUT, "2.50", Unit.OUTPUT, "10");
        PricedUsage ruled = pricer(withRule).evaluate("mock", "openai", "GPT-4o-2024-11-20", usage, AT);
        assertEquals(100, ruled.cost().micros());
        assertEquals("rule", ruled.priceMatch());
        assertEquals("gpt-4o", ruled.priceModel());
        assertFalse(pricer(withRule).evaluate("mock", "openai", "gpt-4o-2024-05-13", usage, AT).priced());
    }

    @Test
    void aDeploymentsOwnRateWinsThenItsPriceProviderThenTheWildcard() {
        PriceVersion negotiated = version(6, "mock", "gpt-4o", null, Unit.INPUT, "1", Unit.OUTPUT, "1");
        PriceVersion free = version(7, "ollama", PriceBook.ANY_MODEL, null, Unit.INPUT, "0", Unit.OUTPUT, "0");
        Pricer pricer = pricer(GPT_4O, negotiated, free);
        Usage usage = new Usage(1000, 0, 0, 1000, 0, Usage.Source.PROVIDER);

        assertEquals(2000, pricer.evaluate("mock", "openai", "gpt-4o", usage, AT).cost().micros());
        assertEquals(12_500, pricer.evaluate("other", "openai", "gpt-4o", usage, AT).cost().micros());
        PricedUsage local = pricer.evaluate("ollama-1", "ollama", "llama3.2", usage, AT);
        assertEquals(0, local.cost().micros());
        assertEquals("wildcard", local.priceMatch());
    }

    @Test
    void serviceTiersArePricedFromTheirOwnRowsOrNotAtAll() {
        PriceVersion priority = new PriceVersion(8, "openai", "gpt-4o", Instant.EPOCH, new PriceSheet(flat("5"), null,
                null, null, flat("20"), null), "test", null, "test", Instant.EPOCH, ServiceTier.PRIORITY, null, null);
        Pricer pricer = pricer(GPT_4O, priority);
        Usage usage = OpenAiUsage.read(json("{\"prompt_tokens\":1000,\"completion_tokens\":100}"),
                json("{\"t\":\"priority\"}").get("t"));

        assertEquals(7000, pricer.evaluate("mock", "openai", "gpt-4o", usage, AT).cost().micros());
        Usage standard = OpenAiUsage.read(json("{\"prompt_tokens\":1000,\"completion_tokens\":100}"),
                json("{\"t\":\"default\"}").get("t"));
        assertEquals(3500, pricer.evaluate("mock", "openai", "gpt-4o", standard, AT).cost().micros());
        Usage flex = usage.withDetail(usage.detail().withServiceTier("flex"));
        assertFalse(pricer.evaluate("mock", "openai", "gpt-4o", flex, AT).priced());
    }
}
