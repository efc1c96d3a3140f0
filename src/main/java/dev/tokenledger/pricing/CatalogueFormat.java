package dev.tokenledger.pricing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * TokenLedger's own price catalogue file, read and written.
 *
 * <pre>
 * {"version": 1,
 *  "entries": [
 *   {"provider": "anthropic", "model": "claude-sonnet-4-5", "effectiveFrom": "2025-09-29T00:00:00Z",
 *    "source": "https://www.anthropic.com/pricing#api (checked 2026-08-21)", "note": null,
 *    "prices": {"input": "3", "cacheRead": "0.30", "cacheWrite": "3.75", "cacheWrite1h": "6",
 *               "output": "15", "reasoning": null,
 *               "tiers": {"input": [{"start": 200000, "price": "6"}],
 *                         "output": [{"start": 200000, "price": "22.50"}]}}}]}
 * </pre>
 *
 * Prices are USD per million tokens ({@code requests} and {@code webSearches}: per thousand) written as decimal strings
 * ({@code 0.125}, never {@code 1.25E-1}), so that no value is ever rounded through a binary number. The unit keys are
 * the {@link Unit#catalogueKey}s: {@code input, cacheRead, cacheWrite, cacheWrite5m, cacheWrite1h, inputAudio,
 * cacheAudioRead, inputImage, cacheImageRead, inputVideo, inputTool, output, reasoning, outputAudio, outputImage,
 * outputVideo, outputCitation, requests, webSearches}. A null (or absent) unit is not priced separately; {@code input}
 * and {@code output} are required. The writer writes the first six token units always (null when not priced) and the
 * others only when priced.
 * <p>
 * Optional entry fields: {@code serviceTier} (default {@code standard}; e.g. {@code priority}, {@code flex},
 * {@code batch}), {@code timeOfDay} ({@code {"start":"00:30:00Z","end":"16:30:00Z"}}, a daily UTC window) and
 * {@code match} (genai-prices' match clause tree, see {@link MatchRule}). {@code tiers} is optional and may only name priced units; a tier applies when the
 * request's total input tokens are strictly greater than {@code start}. Reading is strict: an unknown field, a price
 * that is not a plain decimal string, or two entries for the same provider, model and {@code effectiveFrom} are
 * rejected with {@link IllegalArgumentException}, because a silently ignored field could misprice requests.
 */
public final class CatalogueFormat {

    static final int VERSION = 1;

    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    private static final Set<String> ENTRY_FIELDS = Set.of("provider", "model", "effectiveFrom", "source", "note",
            "serviceTier", "timeOfDay", "match", "prices");

    private CatalogueFormat() {
    }

    /** The entries of a catalogue file, in file order. */
    public static List<CatalogueEntry> read(InputStream json) {
        JsonNode root = PricingJson.read(json);
        if (!root.isObject()) {
            throw new IllegalArgumentException("a catalogue is a JSON object");
        }
        requireOnly(root, Set.of("version", "entries"), "catalogue");
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber() || version.intValue() != VERSION
                || !version.canConvertToInt()) {
            throw new IllegalArgumentException("unsupported catalogue version " + version + "; expected " + VERSION);
        }
        JsonNode entries = root.get("entries");
        if (entries == null || !entries.isArray()) {
            throw new IllegalArgumentException("catalogue entries is not a list");
        }
        List<CatalogueEntry> result = new ArrayList<>();
        Set<List<Object>> seen = new HashSet<>();
        int index = 0;
        for (JsonNode node : entries) {
            CatalogueEntry entry;
            try {
                entry = entry(node);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("catalogue entry #" + index + ": " + e.getMessage(), e);
            }
            if (!seen.add(Arrays.asList(entry.provider(), entry.model(), entry.effectiveFrom(), entry.serviceTier(),
                    entry.timeOfDay()))) {
                throw new IllegalArgumentException("catalogue entry #" + index + ": a second entry for "
                        + entry.provider() + "/" + entry.model() + " from " + entry.effectiveFrom());
            }
            result.add(entry);
            index++;
        }
        return result;
    }

    /** The catalogue file for these entries: UTF-8 JSON, two-space indented, one field per line. */
    public static byte[] write(List<CatalogueEntry> entries) {
        Objects.requireNonNull(entries, "entries");
        ObjectNode root = PricingJson.MAPPER.createObjectNode();
        root.put("version", VERSION);
        ArrayNode list = root.putArray("entries");
        for (CatalogueEntry entry : entries) {
            ObjectNode node = list.addObject();
            node.put("provider", entry.provider());
            node.put("model", entry.model());
            node.put("effectiveFrom", entry.effectiveFrom().toString());
            node.put("source", entry.source());
            node.put("note", entry.note());
            if (!entry.serviceTier().equals(ServiceTier.STANDARD)) {
                node.put("serviceTier", entry.serviceTier());
            }
            if (entry.timeOfDay() != null) {
                node.putObject("timeOfDay").put("start", TimeOfDay.format(entry.timeOfDay().start())).put("end",
                        TimeOfDay.format(entry.timeOfDay().end()));
            }
            if (entry.match() != null) {
                node.set("match", entry.match().toJson());
            }
            ObjectNode prices = node.putObject("prices");
            ObjectNode tiers = PricingJson.MAPPER.createObjectNode();
            for (Unit unit : Unit.values()) {
                UnitPrice price = unit.of(entry.prices());
                if (price == null) {
                    if (Unit.CORE.contains(unit)) {
                        prices.putNull(unit.catalogueKey);
                    }
                    continue;
                }
                prices.put(unit.catalogueKey, price.base().toPlainString());
                if (!price.tiers().isEmpty()) {
                    ArrayNode steps = tiers.putArray(unit.catalogueKey);
                    for (TierStep step : price.tiers()) {
                        steps.addObject().put("start", step.start()).put("price", step.price().toPlainString());
                    }
                }
            }
            if (!tiers.isEmpty()) {
                prices.set("tiers", tiers);
            }
        }
        try {
            byte[] body = PricingJson.MAPPER.writer(new Layout()).writeValueAsBytes(root);
            byte[] withNewline = new byte[body.length + 1];
            System.arraycopy(body, 0, withNewline, 0, body.length);
            withNewline[body.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CatalogueEntry entry(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("not an object");
        }
        requireOnly(node, ENTRY_FIELDS, "entry");
        String provider = PricingJson.text(node, "provider");
        String model = PricingJson.text(node, "model");
        String from = PricingJson.text(node, "effectiveFrom");
        if (from == null) {
            throw new IllegalArgumentException("no effectiveFrom");
        }
        Instant effectiveFrom;
        try {
            effectiveFrom = Instant.parse(from);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("effectiveFrom is not an ISO-8601 instant: " + from);
        }
        JsonNode prices = node.get("prices");
        if (prices == null || !prices.isObject()) {
            throw new IllegalArgumentException("no prices object");
        }
        return new CatalogueEntry(provider, model, effectiveFrom, sheet(prices), PricingJson.text(node, "source"),
                PricingJson.text(node, "note"), PricingJson.text(node, "serviceTier"), timeOfDay(node.get("timeOfDay")),
                node.hasNonNull("match") ? MatchRule.parse(node.get("match")) : null);
    }

    private static TimeOfDay timeOfDay(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("timeOfDay is not an object");
        }
        requireOnly(node, Set.of("start", "end"), "timeOfDay");
        String start = PricingJson.text(node, "start");
        String end = PricingJson.text(node, "end");
        if (start == null || end == null) {
            throw new IllegalArgumentException("timeOfDay needs start and end");
        }
        return new TimeOfDay(TimeOfDay.parseTime(start), TimeOfDay.parseTime(end));
    }

    private static PriceSheet sheet(JsonNode prices) {
        Set<String> allowed = new HashSet<>();
        for (Unit unit : Unit.values()) {
            allowed.add(unit.catalogueKey);
        }
        allowed.add("tiers");
        requireOnly(prices, allowed, "prices");
        SheetBuilder builder = new SheetBuilder();
        for (Unit unit : Unit.values()) {
            String text = PricingJson.text(prices, unit.catalogueKey);
            if (text != null) {
                builder.base(unit, decimal(text, unit.catalogueKey));
            }
        }
        JsonNode tiers = prices.get("tiers");
        if (tiers != null && !tiers.isNull()) {
            if (!tiers.isObject()) {
                throw new IllegalArgumentException("tiers is not an object");
            }
            Iterator<Map.Entry<String, JsonNode>> units = tiers.fields();
            while (units.hasNext()) {
                Map.Entry<String, JsonNode> field = units.next();
                Unit unit = Unit.byCatalogueKey(field.getKey());
                if (unit == null) {
                    throw new IllegalArgumentException("tiers of unknown unit " + field.getKey());
                }
                if (!field.getValue().isArray()) {
                    throw new IllegalArgumentException("tiers of " + unit.catalogueKey + " is not a list");
                }
                for (JsonNode step : field.getValue()) {
                    if (!step.isObject()) {
                        throw new IllegalArgumentException("a tier of " + unit.catalogueKey + " is not an object");
                    }
                    requireOnly(step, Set.of("start", "price"), "tier of " + unit.catalogueKey);
                    JsonNode start = step.get("start");
                    if (start == null || !start.isIntegralNumber()) {
                        throw new IllegalArgumentException("a tier of " + unit.catalogueKey + " has no whole start");
                    }
                    String price = PricingJson.text(step, "price");
                    if (price == null) {
                        throw new IllegalArgumentException("a tier of " + unit.catalogueKey + " has no price");
                    }
                    builder.tier(unit, PricingJson.wholeNumber(start, "tier start"),
                            decimal(price, "tier of " + unit.catalogueKey));
                }
            }
        }
        return builder.build();
    }

    private static BigDecimal decimal(String text, String what) {
        if (!DECIMAL.matcher(text).matches()) {
            throw new IllegalArgumentException(what + " price is not a plain decimal string: \"" + text + "\"");
        }
        return new BigDecimal(text);
    }

    private static void requireOnly(JsonNode object, Set<String> allowed, String what) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(what + " has an unknown field " + name);
            }
        }
    }

    /** Two-space indentation, LF line ends, {@code "key": value}, arrays one element per line. */
    private static final class Layout extends DefaultPrettyPrinter {

        private static final long serialVersionUID = 1L;

        Layout() {
            DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
            indentObjectsWith(indenter);
            indentArraysWith(indenter);
        }

        @Override
        public Layout createInstance() {
            return new Layout();
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }
    }
}
