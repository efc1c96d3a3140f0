package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Set;

/**
 * The priced units of a {@link PriceSheet}: genai-prices' price keys, with their names in our catalogue file and in a
 * cost breakdown.
 * <p>
 * Units nest. Each unit has a family (tokens per million, or a count per thousand) and a set of dimensions; a unit is a
 * <em>descendant</em> of another of its family when its dimensions strictly include the other's: {@code cache_read}
 * ({@code input, cache=read}) is part of {@code input}, {@code cache_audio_read} ({@code input, audio, cache=read}) is
 * part of both {@code cache_read} and {@code input_audio}, {@code cache_write_1h} is part of {@code cache_write},
 * {@code reasoning} is part of {@code output}. A request's count of a unit includes the counts of all its descendants
 * ({@link TokenCounts}); the cost takes each priced unit's <em>leaf</em>: its count minus the leaves of its priced
 * descendants, so that every token is billed once, at the most specific rate the sheet has ({@link CostCalculator}).
 * <p>
 * {@code cache_write} is the price of cache writes of unspecified or five-minute lifetime; {@code cache_write_5m} and
 * {@code cache_write_1h} price writes by lifetime. {@code requests} is a fee per request: when a sheet does not price it
 * there is no such fee. Every other counted unit ({@code web_searches}) that a request uses but its sheet does not price
 * leaves the request unpriced: a cost without it would be too low. {@code credits} is the other way round too: a sheet
 * that prices credits cannot price a usage that reports none (the bill is in credits, and they are unknown).
 */
public enum Unit {

    INPUT("input_mtok", "input", "input", Family.TOKENS, "in"), CACHE_READ("cache_read_mtok", "cacheRead", "cache_read",
            Family.TOKENS, "in", "cache=read"), CACHE_WRITE("cache_write_mtok", "cacheWrite", "cache_write", Family.TOKENS,
                    "in", "cache=write"), CACHE_WRITE_5M("cache_write_5m_mtok", "cacheWrite5m", "cache_write_5m", Family.TOKENS,
                            "in", "cache=write",
                            "ttl=5m"), CACHE_WRITE_1H("cache_write_1h_mtok", "cacheWrite1h", "cache_write_1h", Family.TOKENS,
                                    "in", "cache=write",
                                    "ttl=1h"), INPUT_AUDIO("input_audio_mtok", "inputAudio", "input_audio", Family.TOKENS, "in",
                                            "modality=audio"), CACHE_AUDIO_READ("cache_audio_read_mtok", "cacheAudioRead",
                                                    "cache_audio_read", Family.TOKENS, "in",
                                                    "modality=audio", "cache=read"), INPUT_IMAGE("input_image_mtok",
                                                            "inputImage", "input_image", Family.TOKENS, "in",
                                                            "modality=image"), CACHE_IMAGE_READ("cache_image_read_mtok",
                                                                    "cacheImageRead", "cache_image_read", Family.TOKENS, "in",
                                                                    "modality=image",
                                                                    "cache=read"), INPUT_VIDEO("input_video_mtok", "inputVideo",
                                                                            "input_video", Family.TOKENS, "in",
                                                                            "modality=video"), INPUT_TOOL("input_tool_mtok",
                                                                                    "inputTool", "input_tool", Family.TOKENS,
                                                                                    "in", "kind=tool"), OUTPUT("output_mtok",
                                                                                            "output", "output", Family.TOKENS,
                                                                                            "out"), REASONING(
                                                                                                    "output_reasoning_mtok",
                                                                                                    "reasoning", "reasoning",
                                                                                                    Family.TOKENS, "out",
                                                                                                    "kind=reasoning"), OUTPUT_AUDIO(
                                                                                                            "output_audio_mtok",
                                                                                                            "outputAudio",
                                                                                                            "output_audio",
                                                                                                            Family.TOKENS,
                                                                                                            "out",
                                                                                                            "modality=audio"), OUTPUT_IMAGE(
                                                                                                                    "output_image_mtok",
                                                                                                                    "outputImage",
                                                                                                                    "output_image",
                                                                                                                    Family.TOKENS,
                                                                                                                    "out",
                                                                                                                    "modality=image"), OUTPUT_VIDEO(
                                                                                                                            "output_video_mtok",
                                                                                                                            "outputVideo",
                                                                                                                            "output_video",
                                                                                                                            Family.TOKENS,
                                                                                                                            "out",
                                                                                                                            "modality=video"), OUTPUT_CITATION(
                                                                                                                                    "output_citation_mtok",
                                                                                                                                    "outputCitation",
                                                                                                                                    "output_citation",
                                                                                                                                    Family.TOKENS,
                                                                                                                                    "out",
                                                                                                                                    "kind=citation"), REQUESTS(
                                                                                                                                            "requests_kcount",
                                                                                                                                            "requests",
                                                                                                                                            "requests",
                                                                                                                                            Family.REQUESTS), WEB_SEARCHES(
                                                                                                                                                    "web_searches_kcount",
                                                                                                                                                    "webSearches",
                                                                                                                                                    "web_searches",
                                                                                                                                                    Family.WEB_SEARCHES), STORAGE_SEARCHES(
                                                                                                                                                            "storage_searches_kcount",
                                                                                                                                                            "storageSearches",
                                                                                                                                                            "storage_searches",
                                                                                                                                                            Family.STORAGE_SEARCHES), INPUT_DOCUMENT_PAGES(
                                                                                                                                                                    "input_document_kpages",
                                                                                                                                                                    "inputDocumentPages",
                                                                                                                                                                    "input_document_pages",
                                                                                                                                                                    Family.DOCUMENT_PAGES,
                                                                                                                                                                    "in"), INPUT_ANNOTATED_DOCUMENT_PAGES(
                                                                                                                                                                            "input_annotated_document_kpages",
                                                                                                                                                                            "inputAnnotatedDocumentPages",
                                                                                                                                                                            "input_annotated_document_pages",
                                                                                                                                                                            Family.DOCUMENT_PAGES,
                                                                                                                                                                            "in",
                                                                                                                                                                            "kind=annotated"), INPUT_TEXT_MESSAGES(
                                                                                                                                                                                    "input_text_messages_kcount",
                                                                                                                                                                                    "inputTextMessages",
                                                                                                                                                                                    "input_text_messages",
                                                                                                                                                                                    Family.MESSAGES,
                                                                                                                                                                                    "in",
                                                                                                                                                                                    "modality=text"), AUDIO_SECONDS(
                                                                                                                                                                                            "audio_hours",
                                                                                                                                                                                            "audioHours",
                                                                                                                                                                                            "audio_seconds",
                                                                                                                                                                                            Family.DURATIONS,
                                                                                                                                                                                            "modality=audio"), INPUT_AUDIO_SECONDS(
                                                                                                                                                                                                    "input_audio_hours",
                                                                                                                                                                                                    "inputAudioHours",
                                                                                                                                                                                                    "input_audio_seconds",
                                                                                                                                                                                                    Family.DURATIONS,
                                                                                                                                                                                                    "in",
                                                                                                                                                                                                    "modality=audio"), OUTPUT_AUDIO_SECONDS(
                                                                                                                                                                                                            "output_audio_hours",
                                                                                                                                                                                                            "outputAudioHours",
                                                                                                                                                                                                            "output_audio_seconds",
                                                                                                                                                                                                            Family.DURATIONS,
                                                                                                                                                                                                            "out",
                                                                                                                                                                                                            "modality=audio"),
    /** Credits a provider bills in instead of tokens (Kiro), counted in millionths of a credit, priced per credit. */
    CREDITS("credits", "credits", "credits", Family.CREDITS);

    /**
     * Units that share a normalisation: tokens are priced per million, counted units per thousand, durations (counted
     * in seconds) per hour, credits (counted in millionths) per credit.
     */
    public enum Family {
        TOKENS(1_000_000), REQUESTS(1_000), WEB_SEARCHES(1_000), STORAGE_SEARCHES(1_000), DOCUMENT_PAGES(1_000), MESSAGES(
                1_000), DURATIONS(3_600), CREDITS(1_000_000);

        /** Decimal places kept of a part whose divisor is not a power of ten (the ledger's exact cost keeps 12). */
        static final int SCALE = 12;

        /** The price is per this many units. */
        final long per;
        /** The power of ten {@link #per} is, or -1 when it is none. */
        private final int exponent;

        Family(long per) {
            this.per = per;
            BigDecimal divisor = BigDecimal.valueOf(per);
            int e = divisor.precision() - 1;
            this.exponent = divisor.compareTo(BigDecimal.ONE.movePointRight(e)) == 0 ? e : -1;
        }

        /**
         * {@code amount / per}: exact for a power of ten; for durations (per 3,600) half-up to {@link #SCALE} decimal
         * places, the precision the ledger stores.
         */
        BigDecimal perUnit(BigDecimal amount) {
            if (exponent >= 0) {
                return amount.movePointLeft(exponent);
            }
            return amount.divide(BigDecimal.valueOf(per), Math.max(SCALE, amount.scale()), RoundingMode.HALF_UP);
        }
    }

    /** Name of the price in genai-prices' data ({@code input_mtok}, {@code web_searches_kcount}, ...). */
    public final String priceKey;
    /** Name in our catalogue file. */
    public final String catalogueKey;
    /** Name in {@link Cost#breakdown()}. */
    public final String breakdownKey;
    final Family family;
    private final Set<String> dimensions;

    Unit(String priceKey, String catalogueKey, String breakdownKey, Family family, String... dimensions) {
        this.priceKey = priceKey;
        this.catalogueKey = catalogueKey;
        this.breakdownKey = breakdownKey;
        this.family = family;
        this.dimensions = Set.of(dimensions);
    }

    /** The units priced by the six fields every catalogue entry has always had (written even when null). */
    static final Set<Unit> CORE = Set.of(INPUT, CACHE_READ, CACHE_WRITE, CACHE_WRITE_1H, OUTPUT, REASONING);

    /** Every unit, in declaration order: {@link #values()} without a copy per call (pricing runs per request). */
    static final List<Unit> ALL = List.of(values());

    /** {@link #isPartOf} of every pair, by ordinals: computed once, read per request. */
    private static final boolean[][] PART_OF = new boolean[ALL.size()][ALL.size()];

    static {
        for (Unit part : ALL) {
            for (Unit whole : ALL) {
                PART_OF[part.ordinal()][whole.ordinal()] = part != whole && part.family == whole.family
                        && part.dimensions.size() > whole.dimensions.size()
                        && part.dimensions.containsAll(whole.dimensions);
            }
        }
    }

    /** True when this unit is a strict part of {@code other}: same family, strictly more dimensions. */
    public boolean isPartOf(Unit other) {
        return PART_OF[ordinal()][other.ordinal()];
    }

    /** How specific the unit is: the number of its dimensions. */
    int depth() {
        return dimensions.size();
    }

    /** A used but unpriced unit without a priced ancestor leaves the request unpriced, except a request fee. */
    boolean freeWhenUnpriced() {
        return this == REQUESTS;
    }

    /**
     * A unit a sheet prices only for a usage that reports it: credits are what such a request is billed in, so a usage
     * without them (an upstream that sent no metering) has an unknown cost, not the cost of its other units.
     */
    boolean requiredWhenPriced() {
        return this == CREDITS;
    }

    /** This unit's price in a sheet, or null when the sheet does not price it separately. */
    UnitPrice of(PriceSheet sheet) {
        return sheet.price(this);
    }

    /** The unit of a catalogue-file key, or null. */
    public static Unit byCatalogueKey(String key) {
        for (Unit unit : values()) {
            if (unit.catalogueKey.equals(key)) {
                return unit;
            }
        }
        return null;
    }

    /** The unit of a genai-prices price key ({@code cache_write_1h_mtok}), or null. */
    public static Unit byPriceKey(String key) {
        for (Unit unit : values()) {
            if (unit.priceKey.equals(key)) {
                return unit;
            }
        }
        return null;
    }
}
