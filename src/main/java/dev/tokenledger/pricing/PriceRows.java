package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.json.Json;

/**
 * The stored form of a catalogue version in table {@code price_version}: one column per unit's base price, the tier
 * steps of every tiered unit in one JSON column, the daily window and the match clauses. {@link PriceBook} runs the
 * queries; what is written and how a row becomes a sheet again is decided here, without a database.
 */
final class PriceRows {

    /** The columns written on insert, in order: provider, model, effective time, each unit's base price, the rest. */
    static final List<String> INSERTED = inserted();
    /** The columns read back. */
    static final String COLUMNS = "id, " + String.join(", ", INSERTED) + ", created_at";
    /** Appends a version unless its (provider, model, tier, effective time, window) exists; returns it when stored. */
    static final String INSERT = insertSql();

    private PriceRows() {
    }

    /** The column of a unit's base price. */
    static String column(Unit unit) {
        return unit == Unit.REASONING ? "reasoning_mtok" : unit.priceKey;
    }

    private static List<String> inserted() {
        List<String> columns = new ArrayList<>(List.of("provider", "model", "effective_from"));
        for (Unit unit : Unit.values()) {
            columns.add(column(unit));
        }
        columns.addAll(List.of("tiers", "source", "reason", "created_by", "service_tier", "time_of_day_start",
                "time_of_day_end", "match_rule"));
        return List.copyOf(columns);
    }

    private static String insertSql() {
        StringBuilder params = new StringBuilder();
        for (int i = 1; i <= INSERTED.size(); i++) {
            params.append(i == 1 ? "$" : ", $").append(i);
        }
        return "INSERT INTO price_version (" + String.join(", ", INSERTED) + ") VALUES (" + params
                + ") ON CONFLICT DO NOTHING RETURNING " + COLUMNS;
    }

    /** The parameters of {@link #INSERT} for an entry, in the order of {@link #INSERTED}. */
    static Tuple values(CatalogueEntry entry, String createdBy, String reason) {
        PriceSheet p = entry.prices();
        Tuple values = Tuple.tuple(List.of(entry.provider(), entry.model(),
                OffsetDateTime.ofInstant(entry.effectiveFrom(), ZoneOffset.UTC)));
        for (Unit unit : Unit.values()) {
            UnitPrice price = p.price(unit);
            values.addValue(price == null ? null : price.base());
        }
        TimeOfDay window = entry.timeOfDay();
        return values.addValue(tiers(p)).addValue(entry.source()).addValue(reason).addValue(createdBy)
                .addValue(entry.serviceTier()).addValue(window == null ? null : window.start())
                .addValue(window == null ? null : window.end())
                .addValue(entry.match() == null
                        ? null
                        : new JsonObject(Json.MAPPER.convertValue(entry.match().toJson(), Map.class)));
    }

    /** Tier steps of every tiered unit as {@code {"input":[{"start":200000,"price":"6"}], ...}}, or null. */
    static JsonObject tiers(PriceSheet p) {
        ObjectNode tiers = Json.NODES.objectNode();
        for (Unit unit : Unit.values()) {
            UnitPrice price = p.price(unit);
            if (price != null && !price.tiers().isEmpty()) {
                ArrayNode steps = tiers.putArray(unit.catalogueKey);
                price.tiers().forEach(t -> steps.addObject().put("start", t.start()).put("price",
                        t.price().toPlainString()));
            }
        }
        return tiers.isEmpty() ? null : new JsonObject(Json.MAPPER.convertValue(tiers, Map.class));
    }

    /** The sheet of a row: each unit's base price by column (null: not priced), with its steps from {@code tiers}. */
    static PriceSheet sheet(Function<String, BigDecimal> column, JsonObject tiers) {
        JsonNode t = tiers == null ? Json.NODES.objectNode() : Json.toNode(tiers.getMap());
        Map<Unit, UnitPrice> units = new EnumMap<>(Unit.class);
        for (Unit unit : Unit.values()) {
            units.put(unit, unit(column.apply(column(unit)), t.get(unit.catalogueKey)));
        }
        return new PriceSheet(units);
    }

    private static UnitPrice unit(BigDecimal base, JsonNode steps) {
        if (base == null) {
            return null;
        }
        List<TierStep> tiers = new ArrayList<>();
        if (steps != null) {
            steps.forEach(s -> tiers.add(new TierStep(s.path("start").asLong(), new BigDecimal(s.path("price").asText()))));
        }
        return new UnitPrice(base.stripTrailingZeros(), tiers);
    }

    /** The daily window of a row, or null when it has none. */
    static TimeOfDay window(LocalTime start, LocalTime end) {
        return start == null || end == null ? null : new TimeOfDay(start, end);
    }

    /** The match clauses of a row, or null when it has none. */
    static MatchRule match(JsonObject clauses) {
        return clauses == null ? null : MatchRule.parse(Json.toNode(clauses.getMap()));
    }
}
