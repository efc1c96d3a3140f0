package dev.tokenledger.pricing;

import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Imports a genai-prices v2 {@code data.json}: a JSON array of providers, each with {@code id} and {@code models}; each
 * model has {@code id} and {@code prices}.
 * <p>
 * {@code prices} is one price object or a list of conditional prices {@code [{constraint?, prices}]}, which genai-prices
 * reads last to first, taking the first whose constraint holds. Each list item becomes one version: an item without a
 * constraint takes effect at {@link Instant#EPOCH}, an item with {@code {"start_date":"YYYY-MM-DD"}} at 00:00 UTC of that
 * date, an item with {@code {"start_time":"HH:MM:SSZ","end_time":"HH:MM:SSZ"}} becomes a {@link TimeOfDay} version from
 * the latest start date before it (so a peak window added with a new price does not reprice older requests). Both
 * shapes are read: the published {@code data.json} and the npm package's, whose constraints also carry
 * {@code "type":"start_date"} or {@code "type":"time_of_date"}. The list must therefore be at most one unconstrained item
 * first, then dated items in increasing date order, then windows; any other order cannot be expressed as versions and
 * skips the model.
 * <p>
 * Every price key of {@link Unit} ({@code input_mtok}, {@code cache_write_1h_mtok}, {@code input_audio_mtok},
 * {@code web_searches_kcount}, ...) maps to its unit; a value is a number or
 * {@code {"base": n, "tiers": [{"start": n, "price": n}]}}. A price key we do not know with a non-zero price skips the
 * model: dropping a priced unit would under-price it. A model that genai-prices prices without an input or output price
 * (embeddings, image or per-request models) gets 0 for the missing one, as genai-prices itself bills it, and a note
 * saying so. A model's {@code match} clauses are kept ({@link MatchRule}), so that the names genai-prices resolves to
 * the model resolve to it here too. Provider and model ids are kept exactly as the file names them.
 */
public final class GenaiPricesImporter {

    private GenaiPricesImporter() {
    }

    /**
     * Reads the file; {@code sourceRef} (e.g. {@code genai-prices@<sha>}) becomes every entry's source.
     * {@link IllegalArgumentException} when the document is not an array of providers with ids.
     */
    public static ImportResult parse(InputStream json, String sourceRef) {
        Objects.requireNonNull(sourceRef, "sourceRef");
        JsonNode root = PricingJson.read(json);
        if (!root.isArray()) {
            throw new IllegalArgumentException("a genai-prices v2 file is a JSON array of providers");
        }
        ImportCollector collector = new ImportCollector();
        int index = 0;
        for (JsonNode provider : root) {
            if (!provider.isObject()) {
                throw new IllegalArgumentException("provider #" + index + " is not an object");
            }
            String providerId = PricingJson.text(provider, "id");
            if (providerId == null || providerId.isBlank()) {
                throw new IllegalArgumentException("provider #" + index + " has no id");
            }
            JsonNode models = provider.get("models");
            if (models != null && !models.isNull()) {
                if (!models.isArray()) {
                    throw new IllegalArgumentException("provider " + providerId + ": models is not an array");
                }
                for (JsonNode model : models) {
                    importModel(collector, providerId, model, sourceRef);
                }
            }
            index++;
        }
        return collector.result();
    }

    private static void importModel(ImportCollector collector, String providerId, JsonNode model, String sourceRef) {
        JsonNode idNode = model.get("id"); // null when the model is not an object
        if (idNode == null || !idNode.isTextual() || idNode.textValue().isBlank()) {
            collector.skip(providerId + "/?", "model without an id");
            return;
        }
        String modelId = idNode.textValue();
        String where = providerId + "/" + modelId;
        try {
            String comment = model.path("price_comments").isTextual() ? model.get("price_comments").textValue() : null;
            MatchRule match = null;
            if (model.hasNonNull("match")) {
                try {
                    match = MatchRule.parse(lowercaseStrings(model.get("match")));
                } catch (IllegalArgumentException e) {
                    // the prices stay: the model id itself still matches; only the other names are not resolved
                    collector.note(where, "match clauses not kept, only the model id matches: " + e.getMessage());
                }
            }
            List<CatalogueEntry> versions = new ArrayList<>();
            for (Version version : versions(model.get("prices"))) {
                String note = version.zeroFilled().isEmpty()
                        ? comment
                        : (comment == null ? "" : comment + " ") + "genai-prices gives no " + version.zeroFilled()
                                + " price; billed at 0, as genai-prices bills it.";
                versions.add(new CatalogueEntry(providerId, modelId, version.from(), version.prices(), sourceRef,
                        note, ServiceTier.STANDARD, version.window(), match));
            }
            collector.add(providerId, modelId, where, versions);
        } catch (IllegalArgumentException e) {
            collector.skip(where, e.getMessage());
        }
    }

    /**
     * A match clause with its string operands lowercased: genai-prices compares {@code equals}, {@code starts_with},
     * {@code ends_with} and {@code contains} case-insensitively (both sides lowercased), so {@code "GLM-5"} matches
     * {@code glm-5}. Regex patterns are kept as written (genai-prices tests them against the lowercased name).
     */
    static JsonNode lowercaseStrings(JsonNode clause) {
        if (clause.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode copy = PricingJson.MAPPER.createArrayNode();
            clause.forEach(item -> copy.add(lowercaseStrings(item)));
            return copy;
        }
        if (!clause.isObject()) {
            return clause;
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = PricingJson.MAPPER.createObjectNode();
        clause.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            boolean text = Set.of("equals", "starts_with", "ends_with", "contains").contains(field.getKey())
                    && value.isTextual();
            copy.set(field.getKey(), text
                    ? copy.textNode(value.textValue().toLowerCase(java.util.Locale.ROOT))
                    : lowercaseStrings(value));
        });
        return copy;
    }

    private record Version(Instant from, TimeOfDay window, PriceSheet prices, String zeroFilled) {

        Version(Instant from, TimeOfDay window, Sheet sheet) {
            this(from, window, sheet.prices(), sheet.zeroFilled());
        }
    }

    /** A sheet and which of input and output were missing and set to 0 ("" when none). */
    private record Sheet(PriceSheet prices, String zeroFilled) {
    }

    /** A parsed constraint: a start date, a daily window, or neither. */
    private record Constraint(Instant startDate, TimeOfDay window) {
    }

    private static List<Version> versions(JsonNode prices) {
        if (prices == null || prices.isNull()) {
            throw new IllegalArgumentException("no prices");
        }
        if (prices.isObject()) {
            return List.of(new Version(Instant.EPOCH, null, sheet(prices)));
        }
        if (!prices.isArray() || prices.isEmpty()) {
            throw new IllegalArgumentException("prices is neither a price object nor a list of conditional prices");
        }
        List<Version> versions = new ArrayList<>();
        Instant lastStart = null;
        boolean windowSeen = false;
        for (JsonNode item : prices) {
            if (!item.path("prices").isObject()) {
                throw new IllegalArgumentException("conditional price without a prices object");
            }
            Constraint constraint = constraint(item.get("constraint"));
            Sheet sheet = sheet(item.get("prices"));
            if (constraint.window() != null) {
                if (lastStart == null) {
                    throw new IllegalArgumentException(
                            "time-of-day prices without an all-day price for the rest of the day");
                }
                // a window applies from the latest start date before it: the list is read last to first
                Instant from = lastStart;
                for (Version v : versions) {
                    if (constraint.window().equals(v.window())) {
                        throw new IllegalArgumentException("two prices for the time-of-day window "
                                + TimeOfDay.format(constraint.window().start()) + "-"
                                + TimeOfDay.format(constraint.window().end()));
                    }
                }
                versions.add(new Version(from, constraint.window(), sheet));
                windowSeen = true;
                continue;
            }
            if (windowSeen) {
                throw new IllegalArgumentException(
                        "an all-day price follows a time-of-day price; the list cannot be expressed as versions");
            }
            Instant from = constraint.startDate() == null ? Instant.EPOCH : constraint.startDate();
            if (lastStart != null && !from.isAfter(lastStart)) {
                throw new IllegalArgumentException(from.equals(Instant.EPOCH)
                        ? "a price without a start_date follows another price; the list cannot be expressed as versions"
                        : "dated prices are not in increasing start_date order; the list cannot be expressed as versions");
            }
            versions.add(new Version(from, null, sheet));
            lastStart = from;
        }
        return versions;
    }

    /**
     * A constraint as the published data writes it ({@code {"start_date": ...}}, {@code {"start_time", "end_time"}})
     * or as the npm package ships it, with {@code "type": "start_date"} or {@code "type": "time_of_date"}.
     */
    private static Constraint constraint(JsonNode constraint) {
        if (constraint == null || constraint.isNull()) {
            return new Constraint(null, null);
        }
        if (!constraint.isObject()) {
            throw new IllegalArgumentException("constraint is not an object");
        }
        Set<String> fields = new HashSet<>();
        constraint.fieldNames().forEachRemaining(fields::add);
        String type = PricingJson.text(constraint, "type");
        fields.remove("type");
        if (fields.equals(Set.of("start_date")) && (type == null || type.equals("start_date"))) {
            return new Constraint(startDate(PricingJson.text(constraint, "start_date")), null);
        }
        if (fields.equals(Set.of("start_time", "end_time")) && (type == null || type.equals("time_of_date"))) {
            return new Constraint(null, new TimeOfDay(time(constraint, "start_time"), time(constraint, "end_time")));
        }
        throw new IllegalArgumentException("unsupported price constraint " + constraint);
    }

    private static java.time.LocalTime time(JsonNode constraint, String field) {
        String text = PricingJson.text(constraint, field);
        if (text == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return TimeOfDay.parseTime(text);
    }

    private static Instant startDate(String date) {
        try {
            return LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("start_date is not a YYYY-MM-DD date: " + date);
        }
    }

    private static Sheet sheet(JsonNode prices) {
        SheetBuilder builder = new SheetBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = prices.fields();
        boolean input = false;
        boolean output = false;
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            Unit unit = Unit.byPriceKey(key);
            if (unit == null) {
                if (isZeroPrice(value)) {
                    continue;
                }
                throw new IllegalArgumentException("price unit " + key
                        + " is not supported; the model would be under-priced without it");
            }
            if (value.isNumber()) {
                builder.base(unit, price(value, key));
            } else if (value.isObject()) {
                tiered(builder, unit, key, value);
            } else {
                throw new IllegalArgumentException("price " + key + " is neither a number nor a tiered price");
            }
            input |= unit == Unit.INPUT;
            output |= unit == Unit.OUTPUT;
        }
        if (!input) {
            builder.base(Unit.INPUT, BigDecimal.ZERO);
        }
        if (!output) {
            builder.base(Unit.OUTPUT, BigDecimal.ZERO);
        }
        String zeroFilled = !input && !output ? "input or output" : !input ? "input" : !output ? "output" : "";
        return new Sheet(builder.build(), zeroFilled);
    }

    private static void tiered(SheetBuilder builder, Unit unit, String key, JsonNode value) {
        Iterator<String> names = value.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("base") && !name.equals("tiers")) {
                throw new IllegalArgumentException("tiered price " + key + " has an unknown field " + name);
            }
        }
        JsonNode base = value.get("base");
        if (base == null || !base.isNumber()) {
            throw new IllegalArgumentException("tiered price " + key + " has no numeric base");
        }
        builder.base(unit, price(base, key));
        JsonNode tiers = value.get("tiers");
        if (tiers == null || tiers.isNull()) {
            return;
        }
        if (!tiers.isArray()) {
            throw new IllegalArgumentException("tiers of " + key + " is not a list");
        }
        for (JsonNode tier : tiers) {
            JsonNode start = tier.get("start");
            JsonNode price = tier.get("price");
            if (!tier.isObject() || tier.size() != 2 || start == null || price == null || !price.isNumber()) {
                throw new IllegalArgumentException("a tier of " + key + " is not {start, price}");
            }
            long threshold = PricingJson.wholeNumber(start, "tier start of " + key);
            if (threshold < 0) {
                throw new IllegalArgumentException("negative tier start in " + key);
            }
            builder.tier(unit, threshold, price(price, key));
        }
    }

    private static BigDecimal price(JsonNode number, String key) {
        BigDecimal value = PricingJson.decimal(number);
        if (value.signum() < 0) {
            throw new IllegalArgumentException("negative price " + key);
        }
        return value;
    }

    /** True for a price that charges nothing: 0, or a tiered price whose base and tiers are all 0. */
    private static boolean isZeroPrice(JsonNode value) {
        if (value.isNumber()) {
            return PricingJson.decimal(value).signum() == 0;
        }
        if (!value.isObject() || !value.path("base").isNumber()
                || PricingJson.decimal(value.get("base")).signum() != 0) {
            return false;
        }
        for (JsonNode tier : value.path("tiers")) {
            if (!tier.path("price").isNumber() || PricingJson.decimal(tier.get("price")).signum() != 0) {
                return false;
            }
        }
        return true;
    }
}
