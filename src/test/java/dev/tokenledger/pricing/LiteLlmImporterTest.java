package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.tokenledger.pricing.CostCalculatorTest.assertDecimal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiteLlmImporterTest {

    static final String SOURCE = "litellm@fedcba9876543210fedcba9876543210fedcba98";
    static final Instant FROM = Instant.parse("2026-08-21T00:00:00Z");

    /** Read again for every test, so that a mutant one test would catch is not hidden by a shared result. */
    ImportResult result;

    @BeforeEach
    void importFixture() {
        result = LiteLlmImporter.parse(Fixtures.open("litellm-model-prices.json"), SOURCE, FROM);
    }

    @Test
    void importsTokenPricedModelsAndSkipsTheRest() {
        assertEquals(List.of(
                "openai/gpt-4o",
                "openai/o4-mini",
                "openai/gpt-5-mini",
                "anthropic/claude-sonnet-4-5",
                "gemini/gemini-2.0-flash",
                "gemini/gemini-2.5-flash-lite",
                "gemini/gemini-2.5-flash-preview-04-17",
                "vertex_ai-language-models/vertex_ai/gemini-2.5-pro",
                "openai/text-embedding-3-small",
                "openai/text-embedding-3-large",
                "openai/gpt-4o-search-preview"),
                result.entries().stream().filter(e -> e.serviceTier().equals(ServiceTier.STANDARD))
                        .map(e -> e.provider() + "/" + e.model()).toList());
        for (CatalogueEntry entry : result.entries()) {
            assertEquals(SOURCE, entry.source());
            assertEquals(FROM, entry.effectiveFrom());
        }
        assertEquals(6, result.skipped().size(), result.skipped()::toString);
    }

    @Test
    void theSampleSpecIsNeitherAnEntryNorASkippedModel() {
        assertTrue(result.entries().stream().noneMatch(e -> e.model().equals("sample_spec")));
        assertTrue(result.skipped().stream().noneMatch(s -> s.contains("sample_spec")));
    }

    @Test
    void perTokenPricesBecomeExactPerMillionPrices() {
        PriceSheet sonnet = Fixtures.only(result.entries(), "anthropic", "claude-sonnet-4-5").prices();
        assertEquals("3", sonnet.input().base().toPlainString()); // 3e-06
        assertEquals(0, sonnet.input().base().scale());
        assertEquals("0.3", sonnet.cacheRead().base().toPlainString()); // 3e-07
        assertEquals("22.5", sonnet.output().tiers().get(0).price().toPlainString()); // 2.25e-05

        PriceSheet vertexPro = Fixtures.only(result.entries(), "vertex_ai-language-models", "vertex_ai/gemini-2.5-pro")
                .prices();
        assertEquals("0.125", vertexPro.cacheRead().base().toPlainString()); // 1.25e-07

        PriceSheet gpt4o = Fixtures.only(result.entries(), "openai", "gpt-4o").prices();
        assertEquals("10", gpt4o.output().base().toPlainString()); // 1e-05, no exponent
        assertEquals(0, gpt4o.output().base().scale());

        // literals that a binary double would not hold exactly
        PriceSheet o4mini = Fixtures.only(result.entries(), "openai", "o4-mini").prices();
        assertEquals(new BigDecimal("1.1"), o4mini.input().base()); // 1.1e-06
        assertEquals(new BigDecimal("0.275"), o4mini.cacheRead().base()); // 2.75e-07
        assertEquals(new BigDecimal("4.4"), o4mini.output().base()); // 4.4e-06
        assertEquals(new BigDecimal("0.025"),
                Fixtures.only(result.entries(), "gemini", "gemini-2.0-flash").prices().cacheRead().base());
    }

    @Test
    void thresholdVariantsBecomeTiers() {
        PriceSheet sonnet = Fixtures.only(result.entries(), "anthropic", "claude-sonnet-4-5").prices();

        // the reasoning unit included: the sheet has no price for it
        assertEquals(Fixtures.SONNET_45_IMPORTED, sonnet);
    }

    @Test
    void quoteTheImportedSheet() {
        PriceSheet sonnet = Fixtures.only(result.entries(), "anthropic", "claude-sonnet-4-5").prices();
        assertEquals(30_000, CostCalculator.cost(sonnet, new TokenCounts(24_000, 20_000, 3_000, 1_000, 500, 0))
                .micros());
        assertEquals(1_522_500, CostCalculator.cost(sonnet, TokenCounts.of(250_000, 1_000)).micros());
        assertEquals(615_000, CostCalculator.cost(sonnet, TokenCounts.of(200_000, 1_000)).micros());

        PriceSheet gpt4o = Fixtures.only(result.entries(), "openai", "gpt-4o").prices();
        assertEquals(35_000, CostCalculator.cost(gpt4o, new TokenCounts(10_000, 8_000, 0, 0, 2_000, 1_500)).micros());

        PriceSheet flashPreview = Fixtures.only(result.entries(), "gemini", "gemini-2.5-flash-preview-04-17").prices();
        // 1,000 input x $0.15 + 500 answer x $0.60 + 1,500 thinking x $3.50
        assertEquals(5_700,
                CostCalculator.cost(flashPreview, new TokenCounts(1_000, 0, 0, 0, 2_000, 1_500)).micros());
    }

    @Test
    void otherServiceTiersAreEntriesOfTheirOwn() {
        PriceSheet gpt4o = Fixtures.only(result.entries(), "openai", "gpt-4o").prices();
        assertEquals(UnitPrice.flat(new BigDecimal("2.5")), gpt4o.input());
        assertEquals(UnitPrice.flat(new BigDecimal("1.25")), gpt4o.cacheRead());

        PriceSheet priority = Fixtures.tier(result.entries(), "openai", "gpt-4o", ServiceTier.PRIORITY).get(0).prices();
        assertEquals(UnitPrice.flat(new BigDecimal("4.25")), priority.input());
        assertEquals(UnitPrice.flat(new BigDecimal("2.125")), priority.cacheRead());
        assertEquals(UnitPrice.flat(new BigDecimal("17")), priority.output());
        // batch prices input and output; its cache reads keep the standard price
        PriceSheet batch = Fixtures.tier(result.entries(), "openai", "gpt-4o", ServiceTier.BATCH).get(0).prices();
        assertEquals(UnitPrice.flat(new BigDecimal("1.25")), batch.input());
        assertEquals(UnitPrice.flat(new BigDecimal("5")), batch.output());
        assertEquals(UnitPrice.flat(new BigDecimal("1.25")), batch.cacheRead());
        assertTrue(Fixtures.tier(result.entries(), "openai", "gpt-4o", ServiceTier.FLEX).isEmpty());
        assertEquals(1, Fixtures.tier(result.entries(), "openai", "o4-mini", ServiceTier.FLEX).size());
        assertTrue(result.skipped().stream().noneMatch(s -> s.startsWith("gpt-4o:") || s.startsWith("o4-mini:")));
    }

    @Test
    void theProviderPrefixIsRemovedOnlyWhenItNamesTheProvider() {
        assertEquals(1, Fixtures.all(result.entries(), "gemini", "gemini-2.0-flash").size());
        assertEquals(1, Fixtures.all(result.entries(), "vertex_ai-language-models", "vertex_ai/gemini-2.5-pro").size());
        // "gpt-4o" and "openai/gpt-4o" name the same model with the same prices: kept once, nothing skipped
        assertEquals(1, Fixtures.all(result.entries(), "openai", "gpt-4o").size());
    }

    @Test
    void conflictingDefinitionsOfOneModelSkipIt() {
        assertTrue(Fixtures.all(result.entries(), "mistral", "mistral-large-latest").isEmpty());
        assertTrue(Fixtures.skipped(result, "mistral/mistral-large-latest").contains("more than once"));
        assertTrue(Fixtures.skipped(result, "mistral-large-latest").contains("more than once"));
    }

    @Test
    void embeddingsWithoutAnOutputPriceCostNothingForOutput() {
        assertEquals(BigDecimal.ZERO,
                Fixtures.only(result.entries(), "openai", "text-embedding-3-large").prices().output().base());
        assertDecimal("0", Fixtures.only(result.entries(), "openai", "text-embedding-3-small").prices().output().base());
        assertEquals(new BigDecimal("0.02"),
                Fixtures.only(result.entries(), "openai", "text-embedding-3-small").prices().input().base());
    }

    @Test
    void modalityAndSearchPricesAreImportedAndOtherUnitsSkipTheModel() {
        PriceSheet lite = Fixtures.only(result.entries(), "gemini", "gemini-2.5-flash-lite").prices();
        assertTrue(lite.price(Unit.INPUT_AUDIO) != null, lite::toString);
        assertTrue(lite.price(Unit.INPUT_AUDIO).base().signum() > 0);
        // $0.035 per search at LiteLLM's default (medium) context size = $35 per thousand
        PriceSheet search = Fixtures.only(result.entries(), "openai", "gpt-4o-search-preview").prices();
        assertEquals(UnitPrice.flat(new BigDecimal("35")), search.price(Unit.WEB_SEARCHES));
        assertTrue(Fixtures.skipped(result, "sagemaker/meta-textgeneration-llama-2-7b")
                .contains("input_cost_per_second"));
    }

    @Test
    void modelsThatAreNotPricedByTokensAreSkipped() {
        assertTrue(Fixtures.skipped(result, "dall-e-3").contains("image_generation"));
        assertTrue(Fixtures.skipped(result, "model-without-mode").contains("no mode"));
        assertTrue(Fixtures.skipped(result, "chat-without-output-price").contains("no output price"));
    }

    /** Each model that cannot be imported is skipped for its own reason, named in the report. */
    @Test
    void eachSkippedModelNamesItsReason() {
        String chat = "\"mode\": \"chat\", \"litellm_provider\": \"p\", ";
        String priced = "\"input_cost_per_token\": 1e-06, \"output_cost_per_token\": 2e-06";
        Map<String, String> models = new LinkedHashMap<>();
        models.put("\"not-object\": \"chat\"", "not an object");
        models.put("\"no-mode\": {\"litellm_provider\": \"p\", " + priced + "}", "no mode");
        models.put("\"image\": {\"mode\": \"image_generation\", \"litellm_provider\": \"p\", " + priced + "}",
                "mode image_generation is not priced by tokens");
        models.put("\"no-provider\": {\"mode\": \"chat\", " + priced + "}", "no litellm_provider");
        models.put("\"blank-provider\": {\"mode\": \"chat\", \"litellm_provider\": \" \", " + priced + "}",
                "no litellm_provider");
        models.put("\"no-prices\": {" + chat + "\"max_tokens\": 8192}", "no prices");
        models.put("\"only-priority\": {" + chat + "\"input_cost_per_token_priority\": 1e-06, "
                + "\"output_cost_per_token_priority\": 2e-06}", "prices of other service tiers without standard prices");
        models.put("\"text-price\": {" + chat + "\"input_cost_per_token\": \"1e-06\", \"output_cost_per_token\": 2e-06}",
                "price field input_cost_per_token is not a number");
        models.put("\"negative\": {" + chat + "\"input_cost_per_token\": -1e-06, \"output_cost_per_token\": 2e-06}",
                "negative price input_cost_per_token");
        models.put("\"no-output\": {" + chat + "\"input_cost_per_token\": 1e-06}", "no output price");
        models.put("\"per-character\": {" + chat + priced + ", \"input_cost_per_character\": 1e-07}",
                "price field input_cost_per_character is not supported");
        models.put("\"tiered-pricing\": {" + chat + priced + ", \"tiered_pricing\": [null, {\"input\": 0}, 1e-07]}",
                "price field tiered_pricing is not supported");
        models.put("\"text-cost\": {" + chat + priced + ", \"cost_note\": \"see the page\"}",
                "price field cost_note is not supported");
        models.put("\"search-without-medium\": {" + chat + priced + ", \"search_context_cost_per_query\": "
                + "{\"search_context_size_low\": 0.03}}", "price field search_context_cost_per_query is not supported");
        ImportResult r = LiteLlmImporter.parse(Fixtures.json("{" + String.join(",", models.keySet()) + "}"), SOURCE,
                FROM);

        assertEquals(List.of(), r.entries());
        for (Map.Entry<String, String> model : models.entrySet()) {
            String key = model.getKey().substring(1, model.getKey().indexOf('"', 1));
            String skipped = Fixtures.skipped(r, key);
            assertTrue(skipped.startsWith(key + ": " + model.getValue()), () -> model.getKey() + " -> " + skipped);
        }
        assertEquals(models.size(), r.skipped().size());
    }

    @Test
    void priceFieldsThatChargeNothingOrAreNullAreIgnored() {
        ImportResult r = LiteLlmImporter.parse(Fixtures.json("""
                {"m": {"mode": "chat", "litellm_provider": "p", "input_cost_per_token": 1e-06,
                  "output_cost_per_token": 2e-06, "output_cost_per_reasoning_token": null,
                  "input_cost_per_character": 0, "input_cost_per_second": 0.0,
                  "tiered_pricing": [null, 0, {"input_cost_per_token": 0, "steps": [0, null]}],
                  "search_context_cost_per_query": {"search_context_size_low": 0, "search_context_size_high": 0},
                  "max_tokens": 8192}}
                """), SOURCE, FROM);

        assertEquals(List.of(), r.skipped());
        PriceSheet sheet = Fixtures.only(r.entries(), "p", "m").prices();
        assertEquals(UnitPrice.flat(new BigDecimal("1")), sheet.input());
        assertEquals(UnitPrice.flat(new BigDecimal("2")), sheet.output());
        assertNull(sheet.reasoning());
        assertNull(sheet.price(Unit.WEB_SEARCHES));
    }

    @Test
    void anotherTiersEntryNamesItsTierInTheNote() {
        ImportResult r = LiteLlmImporter.parse(Fixtures.json("""
                {"p/m": {"mode": "chat", "litellm_provider": "p", "input_cost_per_token": 1e-06,
                  "output_cost_per_token": 2e-06, "output_cost_per_token_flex": 1e-06}}
                """), SOURCE, FROM);

        assertEquals("LiteLLM key p/m (mode chat)", Fixtures.only(r.entries(), "p", "m").note());
        CatalogueEntry flex = Fixtures.tier(r.entries(), "p", "m", ServiceTier.FLEX).get(0);
        assertEquals("LiteLLM key p/m (mode chat), flex tier", flex.note());
        assertEquals(UnitPrice.flat(new BigDecimal("1")), flex.prices().output());
        assertEquals(UnitPrice.flat(new BigDecimal("1")), flex.prices().input());
        assertEquals(2, r.entries().size());
    }

    @Test
    void malformedDocumentsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> LiteLlmImporter.parse(Fixtures.json("[]"), SOURCE, FROM));
        assertThrows(IllegalArgumentException.class,
                () -> LiteLlmImporter.parse(Fixtures.json("{\"a\": 1} trailing"), SOURCE, FROM));
    }
}
