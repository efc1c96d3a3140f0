package dev.tokenledger.pricing;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Tuple;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stored form of a catalogue version ({@link PriceRows}) and the packaged default catalogue
 * ({@link DefaultCatalogue}) without a database: what an insert writes, column by column, reads back as the same
 * prices, tiers, window and match clauses.
 */
class PriceRowsTest {

    private static final TimeOfDay NIGHT = new TimeOfDay(LocalTime.of(16, 30), LocalTime.of(0, 30));

    private static CatalogueEntry entry() {
        PriceSheet sheet = new PriceSheet(
                new UnitPrice(new BigDecimal("3.00"), List.of(new TierStep(200_000, new BigDecimal("6.0")))), null,
                UnitPrice.flat(new BigDecimal("3.75")), null, UnitPrice.flat(new BigDecimal("15")),
                UnitPrice.flat(new BigDecimal("20")))
                .with(Unit.WEB_SEARCHES, new UnitPrice(BigDecimal.TEN, List.of(new TierStep(5, BigDecimal.ONE))));
        return new CatalogueEntry("anthropic", "claude-x", Instant.parse("2026-03-13T00:00:00Z"), sheet, "a source",
                "a note", "priority", NIGHT, MatchRule.parse(Fixtures.readTree("{\"starts_with\":\"claude-x-\"}")));
    }

    @Test
    void anInsertWritesEveryColumnInOrder() {
        Tuple values = PriceRows.values(entry(), "admin", "a reason");
        List<String> columns = PriceRows.INSERTED;

        assertEquals(columns.size(), values.size());
        Map<String, Object> row = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            row.put(columns.get(i), values.getValue(i));
        }
        assertEquals("anthropic", row.get("provider"));
        assertEquals("claude-x", row.get("model"));
        assertEquals(OffsetDateTime.of(2026, 3, 13, 0, 0, 0, 0, ZoneOffset.UTC), row.get("effective_from"));
        assertEquals(new BigDecimal("3.00"), row.get("input_mtok"));
        assertNull(row.get("cache_read_mtok"));
        assertEquals(new BigDecimal("3.75"), row.get("cache_write_mtok"));
        assertEquals(new BigDecimal("15"), row.get("output_mtok"));
        assertEquals(new BigDecimal("20"), row.get("reasoning_mtok"));
        assertEquals(BigDecimal.TEN, row.get("web_searches_kcount"));
        assertEquals("{\"input\":[{\"start\":200000,\"price\":\"6.0\"}],\"webSearches\":[{\"start\":5,\"price\":\"1\"}]}",
                ((JsonObject) row.get("tiers")).encode());
        assertEquals("a source", row.get("source"));
        assertEquals("a reason", row.get("reason"));
        assertEquals("admin", row.get("created_by"));
        assertEquals("priority", row.get("service_tier"));
        assertEquals(LocalTime.of(16, 30), row.get("time_of_day_start"));
        assertEquals(LocalTime.of(0, 30), row.get("time_of_day_end"));
        assertEquals("{\"starts_with\":\"claude-x-\"}", ((JsonObject) row.get("match_rule")).encode());

        CatalogueEntry plain = new CatalogueEntry("p", "m", Instant.EPOCH, new PriceSheet(UnitPrice.flat(BigDecimal.ONE),
                null, null, null, UnitPrice.flat(BigDecimal.ONE), null), null, null);
        Tuple bare = PriceRows.values(plain, "admin", null);
        for (String column : List.of("tiers", "source", "reason", "time_of_day_start", "time_of_day_end",
                "match_rule")) {
            assertNull(bare.getValue(columns.indexOf(column)), column);
        }
        assertEquals("standard", bare.getValue(columns.indexOf("service_tier")));
    }

    @Test
    void aRowReadsBackAsTheSamePrices() {
        CatalogueEntry entry = entry();
        Tuple values = PriceRows.values(entry, "admin", null);
        Map<String, BigDecimal> columns = new HashMap<>();
        for (int i = 0; i < PriceRows.INSERTED.size(); i++) {
            if (values.getValue(i) instanceof BigDecimal price) {
                columns.put(PriceRows.INSERTED.get(i), price);
            }
        }
        JsonObject tiers = (JsonObject) values.getValue(PriceRows.INSERTED.indexOf("tiers"));

        PriceSheet read = PriceRows.sheet(columns::get, tiers);
        assertTrue(CatalogueDiff.samePrices(entry.prices(), read), read::toString);
        assertEquals("3", read.input().base().toPlainString(), "trailing zeros are not part of a price");
        assertEquals(List.of(new TierStep(200_000, new BigDecimal("6.0"))), read.input().tiers());
        assertEquals(List.of(new TierStep(5, BigDecimal.ONE)), read.price(Unit.WEB_SEARCHES).tiers());
        assertNull(read.cacheRead());
        PriceSheet flat = PriceRows.sheet(columns::get, null);
        assertEquals(List.of(), flat.input().tiers());
        assertEquals(new BigDecimal("20"), flat.reasoning().base());

        assertEquals(NIGHT, PriceRows.window(LocalTime.of(16, 30), LocalTime.of(0, 30)));
        assertNull(PriceRows.window(null, LocalTime.NOON));
        assertNull(PriceRows.window(LocalTime.NOON, null));
        assertEquals(entry.match(), PriceRows.match(new JsonObject("{\"starts_with\":\"claude-x-\"}")));
        assertNull(PriceRows.match(null));
    }

    @Test
    void theStatementsNameEveryColumn() {
        assertEquals("reasoning_mtok", PriceRows.column(Unit.REASONING));
        assertEquals("audio_hours", PriceRows.column(Unit.AUDIO_SECONDS));
        assertEquals(List.of("provider", "model", "effective_from", "input_mtok"), PriceRows.INSERTED.subList(0, 4));
        assertEquals(3 + Unit.values().length + 8, PriceRows.INSERTED.size());
        int n = PriceRows.INSERTED.size();
        assertTrue(PriceRows.INSERT.startsWith("INSERT INTO price_version (provider, model, effective_from, input_mtok, "),
                PriceRows.INSERT);
        assertTrue(PriceRows.INSERT.contains(") VALUES ($1, $2, $3, "), PriceRows.INSERT);
        assertTrue(PriceRows.INSERT.contains(", $" + n + ") ON CONFLICT DO NOTHING RETURNING id, provider, "),
                PriceRows.INSERT);
        assertTrue(PriceRows.INSERT.endsWith(", match_rule, created_at"), PriceRows.INSERT);
        assertTrue(!PriceRows.INSERT.contains("$" + (n + 1)), PriceRows.INSERT);
    }

    @Test
    void theDefaultCatalogueIsTheSnapshotThenTheGatewaysOwnEntries() throws IOException {
        String snapshot = "[{\"id\":\"p\",\"models\":[{\"id\":\"m\",\"prices\":{\"input_mtok\":1,\"output_mtok\":2}},"
                + "{\"id\":\"bad\",\"prices\":{\"teleport_kcount\":1}}]}]";
        String own = "{\"version\":1,\"entries\":[{\"provider\":\"ollama\",\"model\":\"*\",\"effectiveFrom\":"
                + "\"1970-01-01T00:00:00Z\",\"prices\":{\"input\":\"0\",\"output\":\"0\"}}]}";
        DefaultCatalogue.Seed seed = DefaultCatalogue.read(Fixtures.json("source=genai-prices@npm:x@1\npublished=2026-09-23\n"),
                Fixtures.json(snapshot), Fixtures.json(own));

        assertEquals("genai-prices@npm:x@1 (published 2026-09-23)", seed.source());
        assertEquals(List.of("p/m", "ollama/*"), seed.entries().stream().map(e -> e.provider() + "/" + e.model()).toList());
        assertEquals(seed.source(), seed.entries().get(0).source());
        assertEquals(1, seed.skipped().size());
        assertTrue(seed.skipped().get(0).startsWith("p/bad: "), seed.skipped()::toString);

        DefaultCatalogue.Seed ownOnly = DefaultCatalogue.read(null, Fixtures.json(snapshot), Fixtures.json(own));
        assertNull(ownOnly.source(), "a snapshot without its properties is not read");
        assertEquals(List.of("ollama"), ownOnly.entries().stream().map(CatalogueEntry::provider).toList());
        assertEquals(List.of(), ownOnly.skipped());
        assertEquals(1, DefaultCatalogue.read(Fixtures.json("source=s\n"), null, Fixtures.json(own)).entries().size());
        assertEquals(List.of(), DefaultCatalogue.read(null, null, null).entries());
        assertEquals(1, DefaultCatalogue.read(Fixtures.json("source=s\n"), Fixtures.json(snapshot), null).entries()
                .size());
    }
}
