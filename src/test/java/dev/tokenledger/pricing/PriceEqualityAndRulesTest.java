package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Price equality as a re-import sees it (by value, unit by unit, tier by tier: a real change is never taken for "the
 * same"), match clauses at their limits, and the exact JSON reading of price files.
 */
class PriceEqualityAndRulesTest {

    private static UnitPrice price(String base, Object... startsAndPrices) {
        List<TierStep> tiers = new java.util.ArrayList<>();
        for (int i = 0; i < startsAndPrices.length; i += 2) {
            tiers.add(new TierStep(((Number) startsAndPrices[i]).longValue(), new BigDecimal((String) startsAndPrices[i + 1])));
        }
        return new UnitPrice(new BigDecimal(base), tiers);
    }

    private static PriceSheet sheet(UnitPrice input) {
        return new PriceSheet(input, null, null, null, price("10"), null);
    }

    private static JsonNode json(String text) {
        return Fixtures.readTree(text);
    }

    @Test
    void pricesAreEqualByValueAndDifferInEveryPart() {
        assertTrue(CatalogueDiff.samePrice(null, null));
        assertFalse(CatalogueDiff.samePrice(price("1"), null));
        assertFalse(CatalogueDiff.samePrice(null, price("1")));
        assertTrue(CatalogueDiff.samePrice(price("2.5"), price("2.50")));
        assertTrue(CatalogueDiff.samePrice(price("0"), price("0.000")), "zero is a price like any other");
        assertFalse(CatalogueDiff.samePrice(price("2.5"), price("2.51")));
        assertFalse(CatalogueDiff.samePrice(price("2.51"), price("2.5")));
        assertTrue(CatalogueDiff.samePrice(price("1", 200_000, "2", 500_000, "3"),
                price("1.0", 500_000, "3.00", 200_000, "2.0")));
        assertFalse(CatalogueDiff.samePrice(price("1", 200_000, "2"), price("1")), "a tier added");
        assertFalse(CatalogueDiff.samePrice(price("1"), price("1", 200_000, "2")), "a tier removed");
        assertFalse(CatalogueDiff.samePrice(price("1", 200_000, "2"), price("1", 128_000, "2")), "a tier moved");
        assertFalse(CatalogueDiff.samePrice(price("1", 200_000, "2"), price("1", 200_000, "2.2")), "a tier repriced");
        assertFalse(CatalogueDiff.samePrice(price("1", 100, "2", 200, "3"), price("1", 100, "2", 200, "4")),
                "the last tier repriced");

        PriceSheet a = sheet(price("1"));
        assertTrue(CatalogueDiff.samePrices(a, sheet(price("1.00"))));
        assertFalse(CatalogueDiff.samePrices(a, sheet(price("1.01"))));
        assertFalse(CatalogueDiff.samePrices(a, a.with(Unit.WEB_SEARCHES, price("10"))), "a unit added");
        assertFalse(CatalogueDiff.samePrices(a.with(Unit.OUTPUT_AUDIO_SECONDS, price("1")), a), "the last unit");
        assertFalse(CatalogueDiff.samePrices(a, a.with(Unit.OUTPUT, price("10.5"))));
    }

    @Test
    void aGenerationIsTheSameOnlyWithTheSameWindowsAndClauses() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        TimeOfDay night = new TimeOfDay(LocalTime.of(16, 30), LocalTime.of(0, 30));
        MatchRule rule = MatchRule.parse(json("{\"starts_with\":\"m-\"}"));
        PriceVersion stored = new PriceVersion(7, "p", "m", t0, sheet(price("1")), "s", null, "t", t0,
                ServiceTier.STANDARD, null, rule);
        PriceVersion storedNight = new PriceVersion(8, "p", "m", t0, sheet(price("0.5")), "s", null, "t", t0,
                ServiceTier.STANDARD, night, rule);

        assertEquals(CatalogueDiff.Kind.UNCHANGED, kind(List.of(entry(t0, "1", null, rule)), now, stored));
        assertEquals(CatalogueDiff.Kind.CHANGED, kind(List.of(entry(t0, "1", null, null)), now, stored),
                "a match clause dropped is a change");
        assertEquals(CatalogueDiff.Kind.CHANGED,
                kind(List.of(entry(t0, "1", null, MatchRule.parse(json("{\"starts_with\":\"n-\"}")))), now, stored));
        assertEquals(CatalogueDiff.Kind.CHANGED, kind(List.of(entry(t0, "1", night, rule)), now, stored),
                "a window is not an all-day price");
        assertEquals(CatalogueDiff.Kind.CHANGED,
                kind(List.of(entry(t0, "1", null, rule), entry(t0, "0.5", night, rule)), now, stored),
                "a window added");
        assertEquals(CatalogueDiff.Kind.CHANGED, kind(List.of(entry(t0, "1", null, rule)), now, stored, storedNight),
                "a window removed");
        assertEquals(CatalogueDiff.Kind.UNCHANGED,
                kind(List.of(entry(t0, "0.50", night, rule), entry(t0, "1.0", null, rule)), now, stored, storedNight),
                "the same generation in another order");
        assertEquals(CatalogueDiff.Kind.CHANGED,
                kind(List.of(entry(t0, "1", null, rule), entry(t0, "0.6", night, rule)), now, stored, storedNight));
        CatalogueDiff diff = CatalogueDiff.of(List.of(entry(t0, "2", null, rule)), (p, m) -> List.of(stored), now);
        assertEquals("differs from version 7; new version from " + now, diff.changes().get(0).reason());
        assertEquals(now, diff.writes().get(0).effectiveFrom());
        assertEquals(1, diff.count(CatalogueDiff.Kind.CHANGED));
        assertEquals(0, diff.count(CatalogueDiff.Kind.UNCHANGED));
    }

    private static CatalogueEntry entry(Instant from, String input, TimeOfDay window, MatchRule match) {
        return new CatalogueEntry("p", "m", from, sheet(price(input)), "s", null, null, window, match);
    }

    private static CatalogueDiff.Kind kind(List<CatalogueEntry> imported, Instant now, PriceVersion... stored) {
        CatalogueDiff diff = CatalogueDiff.of(imported, (p, m) -> List.of(stored), now);
        List<CatalogueDiff.Kind> kinds = diff.changes().stream().map(CatalogueDiff.Change::kind).distinct().toList();
        assertEquals(1, kinds.size(), kinds::toString);
        return kinds.get(0);
    }

    @Test
    void matchClausesOfEveryKind() {
        MatchRule rule = MatchRule.parse(json("""
                {"or":[{"equals":"a-1"},{"starts_with":"b-"},{"ends_with":"-c"},{"contains":"-d-"},
                 {"and":[{"regex":"^e-\\\\d+$"},{"contains":"7"}]}]}"""));
        for (String yes : List.of("a-1", "A-1", "b-x", "x-c", "x-d-x", "e-17", "E-7")) {
            assertTrue(rule.matches(yes), yes);
        }
        for (String no : List.of("a-12", "xb-", "-cx", "-dx", "e-18", "e-7x", "")) {
            assertFalse(rule.matches(no), no);
        }
        assertFalse(rule.matches(null));
        assertEquals(rule, MatchRule.parse(rule.toJson()), "the clause survives its JSON");
        assertEquals("{\"regex\":\"^e-\\\\d+$\"}", MatchRule.parse(json("{\"regex\":\"^e-\\\\d+$\"}")).toJson()
                .toString());
        assertTrue(MatchRule.parse(json("{\"regex\":\"mini\"}")).test("gpt-4o-mini-x"), "found anywhere");
        assertFalse(MatchRule.parse(json("{\"regex\":\"[T]ts\"}")).matches("x-Tts"), "tested on the lowercased name");
        assertTrue(MatchRule.parse(json("{\"regex\":\"(?i)[T]ts\"}")).matches("x-tts"));

        MatchRule.Regex one = new MatchRule.Regex(java.util.regex.Pattern.compile("^a$"));
        MatchRule.Regex same = new MatchRule.Regex(java.util.regex.Pattern.compile("^a$"));
        assertEquals(one, same);
        assertEquals(one.hashCode(), same.hashCode());
        assertNotEquals(one, new MatchRule.Regex(java.util.regex.Pattern.compile("^b$")));
        assertNotEquals(one, new MatchRule.OnText(MatchRule.TextTest.EQUALS, "^a$"));
        assertThrows(NullPointerException.class, () -> new MatchRule.Regex(null));
    }

    @Test
    void matchClausesAreBoundedAndWellFormed() {
        String deep = "{\"equals\":\"x\"}";
        for (int i = 0; i < MatchRule.MAX_DEPTH; i++) {
            deep = "{\"or\":[" + deep + "]}";
        }
        assertTrue(MatchRule.parse(json(deep)).matches("x"), "nesting up to the limit");
        String deeper = "{\"and\":[" + deep + "]}";
        assertThrows(IllegalArgumentException.class, () -> MatchRule.parse(json(deeper)));
        assertTrue(MatchRule.parse(json("{\"equals\":\"" + "a".repeat(MatchRule.MAX_TEXT) + "\"}"))
                .matches("a".repeat(MatchRule.MAX_TEXT)));
        for (String bad : List.of("{\"equals\":\"" + "a".repeat(MatchRule.MAX_TEXT + 1) + "\"}", "{\"equals\":\"\"}",
                "{\"equals\":1}", "{\"or\":[]}", "{\"and\":{}}", "{\"or\":[{\"equals\":\"a\"},{\"nope\":\"b\"}]}",
                "{\"equals\":\"a\",\"contains\":\"b\"}", "{}", "[]", "\"a\"", "{\"starts_with\":\"GPT\"}",
                "{\"regex\":\"(\"}", "{\"suffix\":\"a\"}")) {
            assertThrows(IllegalArgumentException.class, () -> MatchRule.parse(json(bad)), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> MatchRule.parse(null));
        assertTrue(MatchRule.parse(json("{\"regex\":\"^GPT\"}")).toJson().toString().contains("^GPT"),
                "a regex is kept as written");
    }

    @Test
    void priceFilesAreReadExactly() {
        JsonNode doc = json("{\"p\":2.50,\"big\":1e400,\"i\":12,\"s\":\"x\",\"n\":null,\"f\":1.5}");
        assertEquals("2.50", PricingJson.decimal(doc.get("p")).toString());
        assertEquals(0, new BigDecimal("1e400").compareTo(PricingJson.decimal(doc.get("big"))));
        assertEquals(12, PricingJson.wholeNumber(doc.get("i"), "start"));
        assertEquals(12, PricingJson.wholeNumber(json("12.0"), "start"));
        IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
                () -> PricingJson.wholeNumber(doc.get("f"), "start"));
        assertEquals("start is not a whole number: 1.5", fraction.getMessage());
        assertEquals("start is not a number: \"x\"",
                assertThrows(IllegalArgumentException.class, () -> PricingJson.wholeNumber(doc.get("s"), "start"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> PricingJson.wholeNumber(json("1e30"), "start"));
        assertThrows(IllegalArgumentException.class, () -> PricingJson.decimal(doc.get("s")));
        assertThrows(IllegalStateException.class,
                () -> PricingJson.decimal(com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0.1)));
        assertEquals("x", PricingJson.text(doc, "s"));
        assertEquals(null, PricingJson.text(doc, "n"));
        assertEquals(null, PricingJson.text(doc, "absent"));
        assertThrows(IllegalArgumentException.class, () -> PricingJson.text(doc, "i"));
        for (String bad : List.of("", "{", "{\"a\":1,\"a\":2}", "{} {}", "[1,]")) {
            assertThrows(IllegalArgumentException.class, () -> json(bad), bad);
        }
        assertThrows(NullPointerException.class, () -> PricingJson.read(null));
    }
}
