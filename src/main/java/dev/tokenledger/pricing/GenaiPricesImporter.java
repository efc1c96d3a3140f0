package dev.tokenledger.pricing;

import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Imports a genai-prices v2 {@code data.json}: a JSON array of providers, each with {@code id} and {@code models}; each
 * model has {@code id} and {@code prices}.
 * <p>
 * {@code prices} is one price object or a list of conditional prices {@code [{constraint?, prices}]}. Each list item
 * becomes one version: an item without a constraint takes effect at {@link Instant#EPOCH}, an item with
 * {@code {"start_date":"YYYY-MM-DD"}} at 00:00 UTC of that date. The list must therefore be at most one undated item
 * first, then dated items in increasing date order; any other order, and time-of-day constraints
 * ({@code start_time}/{@code end_time}), cannot be expressed as versions and skip the model.
 * <p>
 * Price keys {@code input_mtok}, {@code cache_read_mtok}, {@code cache_write_mtok}, {@code cache_write_1h_mtok},
 * {@code output_mtok} and {@code output_reasoning_mtok} map to the units of a {@link PriceSheet}; a value is a number or
 * {@code {"base": n, "tiers": [{"start": n, "price": n}]}}. Any other price key with a non-zero price (audio, image,
 * requests, web searches, ...) skips the model: dropping a priced unit would under-price it. A model without an input or
 * output price is skipped too. Provider and model ids are kept exactly as the file names them.
 */
public final class GenaiPricesImporter {

    private static final Map<String, Unit> KEYS = Map.of(
            "input_mtok", Unit.INPUT,
            "cache_read_mtok", Unit.CACHE_READ,
            "cache_write_mtok", Unit.CACHE_WRITE,
            "cache_write_1h_mtok", Unit.CACHE_WRITE_1H,
            "output_mtok", Unit.OUTPUT,
            "output_reasoning_mtok", Unit.REASONING);

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
        JsonNode idNode = model.get("id");
        if (!model.isObject() || idNode == null || !idNode.isTextual() || idNode.textValue().isBlank()) {
            collector.skip(providerId + "/?", "model without an id");
            return;
        }
        String modelId = idNode.textValue();
        String where = providerId + "/" + modelId;
        try {
            String note = model.path("price_comments").isTextual() ? model.get("price_comments").textValue() : null;
            List<CatalogueEntry> versions = new ArrayList<>();
            for (Version version : versions(model.get("prices"))) {
                versions.add(new CatalogueEntry(providerId, modelId, version.from(), version.prices(), sourceRef,
                        note));
            }
            collector.add(providerId, modelId, where, versions);
        } catch (IllegalArgumentException e) {
            collector.skip(where, e.getMessage());
        }
    }

    private record Version(Instant from, PriceSheet prices) {
    }

    private static List<Version> versions(JsonNode prices) {
        if (prices == null || prices.isNull()) {
            throw new IllegalArgumentException("no prices");
        }
        if (prices.isObject()) {
            return List.of(new Version(Instant.EPOCH, sheet(prices)));
        }
        if (!prices.isArray() || prices.isEmpty()) {
            throw new IllegalArgumentException("prices is neither a price object nor a list of conditional prices");
        }
        List<Version> versions = new ArrayList<>();
        for (JsonNode item : prices) {
            if (!item.isObject() || !item.path("prices").isObject()) {
                throw new IllegalArgumentException("conditional price without a prices object");
            }
            Instant from = effectiveFrom(item.get("constraint"));
            if (!versions.isEmpty() && !from.isAfter(versions.get(versions.size() - 1).from())) {
                throw new IllegalArgumentException(from.equals(Instant.EPOCH)
                        ? "a price without a start_date follows another price; the list cannot be expressed as versions"
                        : "dated prices are not in increasing start_date order; the list cannot be expressed as versions");
            }
            versions.add(new Version(from, sheet(item.get("prices"))));
        }
        return versions;
    }

    private static Instant effectiveFrom(JsonNode constraint) {
        if (constraint == null || constraint.isNull()) {
            return Instant.EPOCH;
        }
        if (!constraint.isObject()) {
            throw new IllegalArgumentException("constraint is not an object");
        }
        if (constraint.has("start_time") || constraint.has("end_time")) {
            throw new IllegalArgumentException(
                    "time-of-day prices (start_time/end_time) cannot be expressed as catalogue versions");
        }
        List<String> fields = new ArrayList<>();
        constraint.fieldNames().forEachRemaining(fields::add);
        if (!fields.equals(List.of("start_date")) || !constraint.get("start_date").isTextual()) {
            throw new IllegalArgumentException("unsupported price constraint " + constraint);
        }
        String date = constraint.get("start_date").textValue();
        try {
            return LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("start_date is not a YYYY-MM-DD date: " + date);
        }
    }

    private static PriceSheet sheet(JsonNode prices) {
        SheetBuilder builder = new SheetBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = prices.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            Unit unit = KEYS.get(key);
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
        }
        return builder.build();
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
