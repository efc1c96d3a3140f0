package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.tokenledger.pricing.CostCalculatorTest.assertDecimal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenaiPricesImporterTest {

    static final String SOURCE = "genai-prices@0123456789abcdef0123456789abcdef01234567";

    /** Imported afresh for every test: a result shared by the class would let one test's mutation hide in another's. */
    ImportResult result;

    @BeforeEach
    void importFixture() {
        result = GenaiPricesImporter.parse(Fixtures.open("genai-prices-v2.json"), SOURCE);
    }

    @Test
    void importsEveryExpressibleModelAndSkipsTheRest() {
        assertEquals(List.of(
                "anthropic/claude-sonnet-4-5",
                "anthropic/claude-haiku-4-5",
                "anthropic/claude-opus-4-6",
                "anthropic/claude-opus-4-6",
                "anthropic/claude-free-search",
                "openai/gpt-4o",
                "openai/o3",
                "openai/o3",
                "openai/reasoner-mini",
                "openai/gpt-4o-realtime-preview",
                "openai/text-embedding-3-small",
                "deepseek/deepseek-chat",
                "deepseek/deepseek-chat",
                "google/gemini-2.5-pro",
                "google/gemini-2.5-flash",
                "groq/per-request-fee"),
                result.entries().stream().map(e -> e.provider() + "/" + e.model()).toList());
        assertEquals(List.of("google/gemini-dates-out-of-order: dated prices are not in increasing start_date order; "
                + "the list cannot be expressed as versions"), result.skipped());
        result.entries().forEach(e -> assertEquals(SOURCE, e.source()));
    }

    @Test
    void flatPrices() {
        CatalogueEntry gpt4o = Fixtures.only(result.entries(), "openai", "gpt-4o");

        assertEquals(Instant.EPOCH, gpt4o.effectiveFrom());
        assertEquals(UnitPrice.flat(new BigDecimal("2.5")), gpt4o.prices().input());
        assertEquals(UnitPrice.flat(new BigDecimal("1.25")), gpt4o.prices().cacheRead());
        assertEquals(UnitPrice.flat(new BigDecimal("10")), gpt4o.prices().output());
        assertNull(gpt4o.prices().cacheWrite());
        assertNull(gpt4o.prices().cacheWrite1h());
        assertNull(gpt4o.prices().reasoning());
    }

    @Test
    void tieredPricesOnEveryUnit() {
        CatalogueEntry sonnet = Fixtures.only(result.entries(), "anthropic", "claude-sonnet-4-5");

        assertEquals(Fixtures.SONNET_45_IMPORTED, sonnet.prices());
        assertEquals("One-hour cache writes cost 2x the base input price.", sonnet.note());
    }

    @Test
    void conditionalDatedPricesBecomeVersions() {
        List<CatalogueEntry> o3 = Fixtures.all(result.entries(), "openai", "o3");

        assertEquals(2, o3.size());
        assertEquals(Instant.EPOCH, o3.get(0).effectiveFrom());
        assertDecimal("10", o3.get(0).prices().input().base());
        assertDecimal("40", o3.get(0).prices().output().base());
        assertEquals(Instant.parse("2025-06-10T00:00:00Z"), o3.get(1).effectiveFrom());
        assertDecimal("2", o3.get(1).prices().input().base());
        assertDecimal("0.5", o3.get(1).prices().cacheRead().base());
        assertDecimal("8", o3.get(1).prices().output().base());

        List<CatalogueEntry> opus = Fixtures.all(result.entries(), "anthropic", "claude-opus-4-6");
        assertEquals(List.of(Instant.EPOCH, Instant.parse("2026-03-13T00:00:00Z")),
                opus.stream().map(CatalogueEntry::effectiveFrom).toList());
        assertEquals(1, opus.get(0).prices().input().tiers().size());
        assertEquals(List.of(), opus.get(1).prices().input().tiers());
    }

    @Test
    void timeOfDayPricesBecomeAWindowedVersion() {
        List<CatalogueEntry> chat = Fixtures.all(result.entries(), "deepseek", "deepseek-chat");

        assertEquals(2, chat.size());
        assertNull(chat.get(0).timeOfDay());
        assertEquals(new TimeOfDay(LocalTime.of(16, 30), LocalTime.of(0, 30)), chat.get(1).timeOfDay());
        assertEquals(Instant.EPOCH, chat.get(1).effectiveFrom());
        assertDecimal("0.135", chat.get(1).prices().input().base());
        assertDecimal("0.27", chat.get(0).prices().input().base());
    }

    @Test
    void everyPricedUnitIsImported() {
        PriceSheet realtime = Fixtures.only(result.entries(), "openai", "gpt-4o-realtime-preview").prices();
        assertDecimal("40", realtime.price(Unit.INPUT_AUDIO).base());
        assertDecimal("2.5", realtime.price(Unit.CACHE_AUDIO_READ).base());
        assertDecimal("80", realtime.price(Unit.OUTPUT_AUDIO).base());
        assertDecimal("1", Fixtures.only(result.entries(), "google", "gemini-2.5-flash").prices()
                .price(Unit.INPUT_AUDIO).base());
        assertDecimal("10", Fixtures.only(result.entries(), "anthropic", "claude-haiku-4-5").prices()
                .price(Unit.WEB_SEARCHES).base());
        assertDecimal("1", Fixtures.only(result.entries(), "groq", "per-request-fee").prices()
                .price(Unit.REQUESTS).base());
    }

    @Test
    void unsupportedUnitsPricedAtZeroAreHarmless() {
        CatalogueEntry entry = Fixtures.only(result.entries(), "anthropic", "claude-free-search");

        assertDecimal("1", entry.prices().input().base());
        assertDecimal("5", entry.prices().output().base());
    }

    @Test
    void anUnknownUnitWithAPriceSkipsTheModelAndAZeroOneDoesNot() {
        ImportResult mixed = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [
                  {"id": "priced", "prices": {"input_mtok": 1, "output_mtok": 2, "teleport_kcount": 0.5}},
                  {"id": "tiered", "prices": {"input_mtok": 1, "output_mtok": 2,
                     "teleport_kcount": {"base": 0, "tiers": [{"start": 10, "price": 1}]}}},
                  {"id": "based", "prices": {"input_mtok": 1, "output_mtok": 2,
                     "teleport_kcount": {"base": 1, "tiers": []}}},
                  {"id": "free", "prices": {"input_mtok": 1, "output_mtok": 2, "teleport_kcount": 0,
                     "hover_kcount": {"base": 0, "tiers": [{"start": 10, "price": 0}]}, "glide_kcount": null}}]}]
                """), SOURCE);

        assertTrue(Fixtures.skipped(mixed, "p/priced").contains("teleport_kcount"));
        assertTrue(Fixtures.skipped(mixed, "p/tiered").contains("teleport_kcount"));
        assertTrue(Fixtures.skipped(mixed, "p/based").contains("teleport_kcount"));
        assertEquals(List.of("p/free"), mixed.entries().stream().map(e -> e.provider() + "/" + e.model()).toList());
    }

    @Test
    void aModelWithoutAnOutputPriceIsBilledZeroOutputAsGenaiPricesDoes() {
        CatalogueEntry embedding = Fixtures.only(result.entries(), "openai", "text-embedding-3-small");

        assertDecimal("0.02", embedding.prices().input().base());
        assertDecimal("0", embedding.prices().output().base());
        assertEquals("genai-prices gives no output price; billed at 0, as genai-prices bills it.", embedding.note());
        ImportResult searchOnly = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [{"id": "s", "price_comments": "per search", "prices": {"web_searches_kcount": 5}},
                  {"id": "o", "prices": {"output_mtok": 5}}]}]
                """), SOURCE);
        CatalogueEntry s = searchOnly.entries().get(0);
        assertDecimal("0", s.prices().input().base());
        assertDecimal("0", s.prices().output().base());
        assertEquals("per search genai-prices gives no input or output price; billed at 0, as genai-prices bills it.",
                s.note());
        CatalogueEntry o = searchOnly.entries().get(1);
        assertDecimal("0", o.prices().input().base());
        assertDecimal("5", o.prices().output().base());
        assertEquals("genai-prices gives no input price; billed at 0, as genai-prices bills it.", o.note());
    }

    @Test
    void theNpmPackageShapeKeepsDatedAndTimeOfDayPrices() {
        // the npm package ships constraints with a "type"; they used to be refused and the model lost
        ImportResult npm = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [
                  {"id": "dated", "prices": [
                    {"prices": {"input_mtok": 5, "output_mtok": 25}},
                    {"constraint": {"start_date": "2026-03-13", "type": "start_date"},
                     "prices": {"input_mtok": 4, "output_mtok": 20}}]},
                  {"id": "peak", "prices": [
                    {"prices": {"input_mtok": 0.14, "output_mtok": 0.28}},
                    {"constraint": {"start_date": "2026-08-17", "type": "start_date"},
                     "prices": {"input_mtok": 0.22, "output_mtok": 0.66}},
                    {"constraint": {"start_time": "01:00:00Z", "end_time": "04:00:00Z", "type": "time_of_date"},
                     "prices": {"input_mtok": 0.44, "output_mtok": 1.32}},
                    {"constraint": {"start_time": "06:00:00Z", "end_time": "10:00:00Z", "type": "time_of_date"},
                     "prices": {"input_mtok": 0.44, "output_mtok": 1.32}}]}]}]
                """), SOURCE);

        assertEquals(List.of(), npm.skipped());
        List<CatalogueEntry> dated = Fixtures.all(npm.entries(), "p", "dated");
        assertEquals(List.of(Instant.EPOCH, Instant.parse("2026-03-13T00:00:00Z")),
                dated.stream().map(CatalogueEntry::effectiveFrom).toList());
        assertDecimal("4", dated.get(1).prices().input().base());
        List<CatalogueEntry> peak = Fixtures.all(npm.entries(), "p", "peak");
        Instant cut = Instant.parse("2026-08-17T00:00:00Z");
        // the windows start with the generation they follow, so the old flat rate keeps pricing older requests
        assertEquals(List.of(Instant.EPOCH, cut, cut, cut), peak.stream().map(CatalogueEntry::effectiveFrom).toList());
        assertEquals(List.of(new TimeOfDay(LocalTime.of(1, 0), LocalTime.of(4, 0)),
                new TimeOfDay(LocalTime.of(6, 0), LocalTime.of(10, 0))),
                peak.subList(2, 4).stream().map(CatalogueEntry::timeOfDay).toList());
        assertNull(peak.get(1).timeOfDay());
    }

    @Test
    void constraintsOfTheWrongTypeOrShapeSkipTheModel() {
        for (String constraint : List.of(
                "{\"start_date\": \"2026-03-13\", \"type\": \"time_of_date\"}",
                "{\"start_time\": \"01:00:00Z\", \"end_time\": \"04:00:00Z\", \"type\": \"start_date\"}",
                "{\"start_date\": \"2026-03-13\", \"end_time\": \"04:00:00Z\"}",
                "{\"start_time\": \"01:00:00Z\"}",
                "{\"start_date\": \"13/03/2026\"}",
                "{\"start_date\": 20260313}",
                "{\"start_time\": \"1am\", \"end_time\": \"04:00:00Z\"}",
                "{\"start_time\": \"04:00:00Z\", \"end_time\": \"04:00:00Z\"}",
                "{\"weekday\": \"saturday\"}",
                "[]")) {
            ImportResult r = GenaiPricesImporter.parse(Fixtures.json("""
                    [{"id": "p", "models": [{"id": "m", "prices": [
                      {"prices": {"input_mtok": 1, "output_mtok": 2}},
                      {"constraint": %s, "prices": {"input_mtok": 3, "output_mtok": 4}}]}]}]
                    """.formatted(constraint)), SOURCE);
            assertEquals(List.of(), r.entries(), constraint);
            assertEquals(1, r.skipped().size(), constraint);
        }
    }

    @Test
    void listsThatCannotBeVersionsAreSkipped() {
        String allDay = "{\"prices\": {\"input_mtok\": 1, \"output_mtok\": 2}}";
        String window = "{\"constraint\": {\"start_time\": \"01:00:00Z\", \"end_time\": \"04:00:00Z\"}, "
                + "\"prices\": {\"input_mtok\": 3, \"output_mtok\": 4}}";
        String dated = "{\"constraint\": {\"start_date\": \"2026-01-01\"}, "
                + "\"prices\": {\"input_mtok\": 5, \"output_mtok\": 6}}";
        for (String list : List.of(window, window + "," + allDay, allDay + "," + window + "," + dated,
                allDay + "," + window + "," + window, allDay + "," + allDay, "")) {
            ImportResult r = GenaiPricesImporter.parse(Fixtures.json(
                    "[{\"id\": \"p\", \"models\": [{\"id\": \"m\", \"prices\": [" + list + "]}]}]"), SOURCE);
            assertEquals(List.of(), r.entries(), list);
            assertEquals(1, r.skipped().size(), list);
        }
        ImportResult ok = GenaiPricesImporter.parse(Fixtures.json(
                "[{\"id\": \"p\", \"models\": [{\"id\": \"m\", \"prices\": [" + allDay + "," + dated + ","
                        + window + "]}]}]"),
                SOURCE);
        assertEquals(3, ok.entries().size(), ok.skipped()::toString);
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), ok.entries().get(2).effectiveFrom());
    }

    @Test
    void matchClausesAreKeptWithStringsLowercasedAndRegexesAsWritten() {
        ImportResult r = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [
                  {"id": "GLM-5", "match": {"or": [{"equals": "GLM-5"}, {"starts_with": "GLM-5-"},
                     {"ends_with": "-GLM5"}, {"contains": "GLM5X"}, {"regex": "^glm-5@[0-9]+$"}]},
                   "prices": {"input_mtok": 1, "output_mtok": 2}},
                  {"id": "case-classes", "match": {"and": [{"starts_with": "pro"}, {"regex": "^(?!.*-[tT][tT][sS])"}]},
                   "prices": {"input_mtok": 1, "output_mtok": 2}},
                  {"id": "upper", "match": {"regex": "^Upper$"}, "prices": {"input_mtok": 1, "output_mtok": 2}},
                  {"id": "flag", "match": {"regex": "(?i)^FLAG-[0-9]$"}, "prices": {"input_mtok": 1, "output_mtok": 2}},
                  {"id": "broken", "match": {"regex": "("}, "prices": {"input_mtok": 1, "output_mtok": 2}}]}]
                """), SOURCE);

        MatchRule glm = Fixtures.only(r.entries(), "p", "GLM-5").match();
        assertTrue(glm.matches("glm-5"));
        assertTrue(glm.matches("GLM-5-0414"));
        assertTrue(glm.matches("my-glm5"));
        assertTrue(glm.matches("a-glm5x-b"));
        assertTrue(glm.matches("glm-5@123"));
        assertFalse(glm.matches("glm-4"));
        // a regex is tested as written against the lowercased name, as genai-prices tests it
        MatchRule classes = Fixtures.only(r.entries(), "p", "case-classes").match();
        assertTrue(classes.matches("pro-preview"));
        assertTrue(classes.matches("PRO-preview"));
        assertFalse(classes.matches("pro-preview-tts"));
        assertFalse(classes.matches("pro-preview-TTS"));
        assertEquals("^(?!.*-[tT][tT][sS])", ((MatchRule.And) classes).all().get(1).toJson().get("regex").asText());
        // an upper-case literal never matches a lowercased name (genai-prices alike); an inline flag works
        assertFalse(Fixtures.only(r.entries(), "p", "upper").match().matches("Upper"));
        assertTrue(Fixtures.only(r.entries(), "p", "flag").match().matches("flag-7"));
        // a clause the catalogue cannot hold (a pattern that does not compile) is dropped with a note
        assertNull(Fixtures.only(r.entries(), "p", "broken").match());
        assertEquals(1, r.notes().size(), r.notes()::toString);
        assertTrue(r.notes().get(0).startsWith("p/broken: match clauses not kept"), r.notes()::toString);
        assertEquals(List.of(), r.skipped());
    }

    @Test
    void tieredPricesAreReadInEveryForm() {
        ImportResult r = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [
                  {"id": "object", "prices": {"input_mtok": {"base": 1, "tiers": [{"start": 128000, "price": 2},
                     {"start": 64000, "price": 1.5}]}, "output_mtok": {"base": 4}}},
                  {"id": "list", "prices": [{"prices": {"input_mtok": {"base": 1, "tiers": [{"start": 1000, "price": 3}]},
                     "output_mtok": 2}}]},
                  {"id": "nulltiers", "prices": {"input_mtok": {"base": 1, "tiers": null}, "output_mtok": 2}},
                  {"id": "bad-field", "prices": {"input_mtok": {"base": 1, "tier": []}, "output_mtok": 2}},
                  {"id": "no-base", "prices": {"input_mtok": {"tiers": []}, "output_mtok": 2}},
                  {"id": "tiers-not-list", "prices": {"input_mtok": {"base": 1, "tiers": {}}, "output_mtok": 2}},
                  {"id": "bad-tier", "prices": {"input_mtok": {"base": 1, "tiers": [{"start": 5}]}, "output_mtok": 2}},
                  {"id": "extra-tier-field", "prices": {"input_mtok": {"base": 1,
                     "tiers": [{"start": 5, "price": 1, "x": 1}]}, "output_mtok": 2}},
                  {"id": "negative-start", "prices": {"input_mtok": {"base": 1, "tiers": [{"start": -5, "price": 1}]},
                     "output_mtok": 2}},
                  {"id": "fraction-start", "prices": {"input_mtok": {"base": 1, "tiers": [{"start": 5.5, "price": 1}]},
                     "output_mtok": 2}},
                  {"id": "text-price", "prices": {"input_mtok": "1", "output_mtok": 2}},
                  {"id": "negative", "prices": {"input_mtok": -1, "output_mtok": 2}},
                  {"id": "negative-tier", "prices": {"input_mtok": {"base": 1, "tiers": [{"start": 5, "price": -1}]},
                     "output_mtok": 2}},
                  {"id": "same-start", "prices": {"input_mtok": {"base": 1, "tiers": [{"start": 5, "price": 1},
                     {"start": 5, "price": 2}]}, "output_mtok": 2}}]}]
                """), SOURCE);

        UnitPrice object = Fixtures.only(r.entries(), "p", "object").prices().input();
        assertEquals(List.of(new TierStep(64_000, new BigDecimal("1.5")), new TierStep(128_000, new BigDecimal("2"))),
                object.tiers());
        assertEquals(List.of(), Fixtures.only(r.entries(), "p", "object").prices().output().tiers());
        assertEquals(List.of(new TierStep(1000, new BigDecimal("3"))),
                Fixtures.only(r.entries(), "p", "list").prices().input().tiers());
        assertEquals(List.of(), Fixtures.only(r.entries(), "p", "nulltiers").prices().input().tiers());
        for (String bad : List.of("bad-field", "no-base", "tiers-not-list", "bad-tier", "extra-tier-field",
                "negative-start", "fraction-start", "text-price", "negative", "negative-tier", "same-start")) {
            Fixtures.skipped(r, "p/" + bad);
        }
        assertEquals(3, r.entries().size());
    }

    @Test
    void datedPricesOutOfOrderAreSkipped() {
        assertTrue(Fixtures.skipped(result, "google/gemini-dates-out-of-order").contains("order"));
    }

    @Test
    void reasoningPriceMapsToTheReasoningUnit() {
        CatalogueEntry entry = Fixtures.only(result.entries(), "openai", "reasoner-mini");

        assertEquals(UnitPrice.flat(new BigDecimal("3.5")), entry.prices().reasoning());
    }

    @Test
    void quoteExampleAFromTheImportedSheet() {
        PriceSheet sonnet = Fixtures.only(result.entries(), "anthropic", "claude-sonnet-4-5").prices();

        assertEquals(30_000, CostCalculator.cost(sonnet, new TokenCounts(24_000, 20_000, 3_000, 1_000, 500, 0))
                .micros());
        assertEquals(1_522_500, CostCalculator.cost(sonnet, TokenCounts.of(250_000, 1_000)).micros());
    }

    @Test
    void quoteTheDatedVersionAndATieredGeminiRequest() {
        PriceSheet o3AfterCut = Fixtures.all(result.entries(), "openai", "o3").get(1).prices();
        // 8,000 uncached x $2 + 2,000 cached x $0.50 + 5,000 output (4,000 of them reasoning) x $8
        assertEquals(57_000,
                CostCalculator.cost(o3AfterCut, new TokenCounts(10_000, 2_000, 0, 0, 5_000, 4_000)).micros());

        PriceSheet gemini = Fixtures.only(result.entries(), "google", "gemini-2.5-pro").prices();
        // above 200k: 200,000 uncached x $2.50 + 50,000 cached x $0.25 + 2,000 output x $15
        assertEquals(542_500,
                CostCalculator.cost(gemini, new TokenCounts(250_000, 50_000, 0, 0, 2_000, 0)).micros());
    }

    @Test
    void constraintsThatCannotBeVersionsAreRejectedPerModel() {
        ImportResult undatedLast = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [{"id": "m", "prices": [
                  {"constraint": {"start_date": "2025-01-01"}, "prices": {"input_mtok": 1, "output_mtok": 2}},
                  {"prices": {"input_mtok": 3, "output_mtok": 4}}]}]}]
                """), SOURCE);
        assertEquals(List.of(), undatedLast.entries());
        assertTrue(Fixtures.skipped(undatedLast, "p/m").contains("start_date"));

        ImportResult onlyDated = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [{"id": "m", "prices": [
                  {"constraint": {"start_date": "2025-01-01"}, "prices": {"input_mtok": 1, "output_mtok": 2}}]}]}]
                """), SOURCE);
        assertEquals(Instant.parse("2025-01-01T00:00:00Z"), onlyDated.entries().get(0).effectiveFrom());
    }

    @Test
    void exactDecimalsFromTheLiteral() {
        ImportResult exact = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [{"id": "m", "prices": {"input_mtok": 0.00875, "output_mtok": 1.1}}]}]
                """), SOURCE);

        assertEquals(new BigDecimal("0.00875"), exact.entries().get(0).prices().input().base());
        assertEquals(new BigDecimal("1.1"), exact.entries().get(0).prices().output().base());
    }

    /** Each model that cannot be imported is skipped for its own reason, named in the report. */
    @Test
    void eachSkippedModelNamesItsReason() {
        String prices = "\"prices\": {\"input_mtok\": 1, \"output_mtok\": 2}";
        Map<String, String> models = new LinkedHashMap<>();
        models.put("{\"id\": \"negative\", \"prices\": {\"input_mtok\": -1, \"output_mtok\": 2}}",
                "negative price input_mtok");
        models.put("{\"id\": \"negative-base\", \"prices\": {\"input_mtok\": {\"base\": -1}, \"output_mtok\": 2}}",
                "negative price input_mtok");
        models.put("{\"id\": \"negative-start\", \"prices\": {\"input_mtok\": {\"base\": 1, "
                + "\"tiers\": [{\"start\": -1, \"price\": 1}]}, \"output_mtok\": 2}}", "negative tier start in input_mtok");
        models.put("{\"id\": \"no-base\", \"prices\": {\"input_mtok\": {\"tiers\": []}, \"output_mtok\": 2}}",
                "tiered price input_mtok has no numeric base");
        models.put("{\"id\": \"text-base\", \"prices\": {\"input_mtok\": {\"base\": \"1\"}, \"output_mtok\": 2}}",
                "tiered price input_mtok has no numeric base");
        models.put("{\"id\": \"bad-field\", \"prices\": {\"input_mtok\": {\"base\": 1, \"tier\": []}, \"output_mtok\": 2}}",
                "tiered price input_mtok has an unknown field tier");
        models.put("{\"id\": \"tiers-not-list\", \"prices\": {\"input_mtok\": {\"base\": 1, \"tiers\": {}}, "
                + "\"output_mtok\": 2}}", "tiers of input_mtok is not a list");
        for (String tier : List.of("5", "{\"start\": 5}", "{\"price\": 1, \"x\": 5}", "{\"start\": 5, \"x\": 1}",
                "{\"start\": 5, \"price\": 1, \"x\": 1}", "{\"start\": 5, \"price\": \"1\"}")) {
            models.put("{\"id\": \"tier " + tier.replace("\"", "'") + "\", \"prices\": {\"input_mtok\": {\"base\": 1, "
                    + "\"tiers\": [" + tier + "]}, \"output_mtok\": 2}}", "a tier of input_mtok is not {start, price}");
        }
        models.put("{\"id\": \"text-price\", \"prices\": {\"input_mtok\": \"1\", \"output_mtok\": 2}}",
                "price input_mtok is neither a number nor a tiered price");
        models.put("{\"id\": \"unknown-unit\", \"prices\": {\"input_mtok\": 1, \"output_mtok\": 2, \"input_smell_mtok\": 1}}",
                "price unit input_smell_mtok is not supported");
        models.put("{\"id\": \"no-prices\"}", "no prices");
        models.put("{\"id\": \"null-prices\", \"prices\": null}", "no prices");
        models.put("{\"id\": \"text-prices\", \"prices\": \"free\"}", "prices is neither a price object nor a list");
        models.put("{\"id\": \"empty-list\", \"prices\": []}", "prices is neither a price object nor a list");
        models.put("{\"id\": \"item-not-object\", \"prices\": [1]}", "conditional price without a prices object");
        models.put("{\"id\": \"item-without-prices\", \"prices\": [{\"prices\": 1}]}",
                "conditional price without a prices object");
        models.put("{\"id\": \"constraint-not-object\", \"prices\": [{\"constraint\": \"2026-01-01\", " + prices + "}]}",
                "constraint is not an object");
        models.put("{\"id\": \"null-time\", \"prices\": [{" + prices + "}, {\"constraint\": {\"start_time\": null, "
                + "\"end_time\": \"04:00:00Z\"}, " + prices + "}]}", "start_time is missing");
        models.put("{\"id\": \"null-end\", \"prices\": [{" + prices + "}, {\"constraint\": {\"start_time\": \"01:00:00Z\", "
                + "\"end_time\": null}, " + prices + "}]}", "end_time is missing");
        models.put("{\"id\": \"null-date\", \"prices\": [{\"constraint\": {\"start_date\": null}, " + prices + "}]}",
                "start_date is not a YYYY-MM-DD date: null");
        models.put("{\"id\": \"only-window\", \"prices\": [{\"constraint\": {\"start_time\": \"01:00:00Z\", "
                + "\"end_time\": \"04:00:00Z\"}, " + prices + "}]}", "time-of-day prices without an all-day price");
        String window = "{\"constraint\": {\"start_time\": \"01:00:00Z\", \"end_time\": \"04:00:00Z\"}, " + prices + "}";
        String dated = "{\"constraint\": {\"start_date\": \"2026-01-01\"}, " + prices + "}";
        models.put("{\"id\": \"undated-after\", \"prices\": [{" + prices + "}, {" + prices + "}]}",
                "a price without a start_date follows another price");
        models.put("{\"id\": \"dates-backwards\", \"prices\": [" + dated.replace("01-01", "02-01") + ", " + dated + "]}",
                "dated prices are not in increasing start_date order");
        models.put("{\"id\": \"same-date\", \"prices\": [" + dated + ", " + dated + "]}",
                "dated prices are not in increasing start_date order");
        models.put("{\"id\": \"window-twice\", \"prices\": [{" + prices + "}, " + window + ", " + window + "]}",
                "two prices for the time-of-day window 01:00:00Z-04:00:00Z");
        models.put("{\"id\": \"all-day-after-window\", \"prices\": [{" + prices + "}, " + window + ", " + dated + "]}",
                "an all-day price follows a time-of-day price");
        ImportResult r = GenaiPricesImporter.parse(Fixtures.json(
                "[{\"id\": \"p\", \"models\": [" + String.join(",", models.keySet()) + "]}]"), SOURCE);

        assertEquals(List.of(), r.entries());
        for (Map.Entry<String, String> model : models.entrySet()) {
            String id = Fixtures.readTree(model.getKey()).get("id").textValue();
            String skipped = Fixtures.skipped(r, "p/" + id);
            assertTrue(skipped.startsWith("p/" + id + ": " + model.getValue()), () -> model.getKey() + " -> " + skipped);
        }
        assertEquals(models.size(), r.skipped().size());
    }

    @Test
    void aModelWithoutAnIdIsSkippedAndTheOthersImported() {
        ImportResult r = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [{"prices": {"input_mtok": 1, "output_mtok": 2}}, "m", {"id": 5},
                  {"id": " "}, {"id": null}, {"id": "m", "prices": {"input_mtok": 1, "output_mtok": 2}}]}]
                """), SOURCE);

        assertEquals(List.of("p/?: model without an id", "p/?: model without an id", "p/?: model without an id",
                "p/?: model without an id", "p/?: model without an id"), r.skipped());
        assertEquals(1, r.entries().size());
    }

    @Test
    void aNullConstraintIsNoConstraintAndATierMayStartAtZero() {
        ImportResult r = GenaiPricesImporter.parse(Fixtures.json("""
                [{"id": "p", "models": [{"id": "m", "prices": [
                  {"constraint": null, "prices": {"input_mtok": {"base": 1, "tiers": [{"start": 0, "price": 3}]},
                   "output_mtok": 2}}]}]}]
                """), SOURCE);

        assertEquals(List.of(), r.skipped());
        CatalogueEntry entry = r.entries().get(0);
        assertEquals(Instant.EPOCH, entry.effectiveFrom());
        assertNull(entry.timeOfDay());
        // a tier from 0 applies to every request with any input
        assertEquals(List.of(new TierStep(0, new BigDecimal("3"))), entry.prices().input().tiers());
    }

    @Test
    void aMalformedDocumentIsRefusedForItsReasonNamingTheProvider() {
        Map<String, String> documents = new LinkedHashMap<>();
        documents.put("{\"id\": \"openai\", \"models\": []}", "a genai-prices v2 file is a JSON array of providers");
        documents.put("[{\"id\": \"p\"}, \"q\"]", "provider #1 is not an object");
        documents.put("[{\"id\": \"p\"}, {\"id\": \"q\"}, {\"models\": []}]", "provider #2 has no id");
        documents.put("[{\"id\": \"p\"}, {\"id\": \" \", \"models\": []}]", "provider #1 has no id");
        documents.put("[{\"id\": \"p\", \"models\": {}}]", "provider p: models is not an array");
        documents.put("[{\"id\": \"p\", \"models\": 1}]", "provider p: models is not an array");
        for (Map.Entry<String, String> document : documents.entrySet()) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> GenaiPricesImporter.parse(Fixtures.json(document.getKey()), SOURCE), document.getKey());
            assertEquals(document.getValue(), refused.getMessage(), document.getKey());
        }
        // a provider without models, or with null models, contributes nothing and is no error
        assertEquals(List.of(), GenaiPricesImporter.parse(Fixtures.json("[{\"id\": \"p\"}, {\"id\": \"q\", "
                + "\"models\": null}]"), SOURCE).entries());
    }

    @Test
    void malformedDocumentsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> GenaiPricesImporter.parse(Fixtures.json("{\"id\": \"openai\"}"), SOURCE));
        assertThrows(IllegalArgumentException.class,
                () -> GenaiPricesImporter.parse(Fixtures.json("[{\"models\": []}]"), SOURCE));
        assertThrows(IllegalArgumentException.class, () -> GenaiPricesImporter.parse(Fixtures.json("[{"), SOURCE));
    }
}
