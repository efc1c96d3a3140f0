package dev.tokenledger.pricing;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request's counts by {@link Unit}, each including the counts of the unit's parts: {@code INPUT} is all input
 * (cache reads, cache writes, audio, images ... included), {@code CACHE_WRITE} all cache writes (of either lifetime),
 * {@code OUTPUT} all output (reasoning, audio ... included). {@code REQUESTS} and {@code WEB_SEARCHES} are counts. An
 * absent unit counts 0.
 * <p>
 * Counts that cannot describe a real request (negative, a part larger than its whole, cache reads and writes together
 * larger than the input, five-minute and one-hour writes together larger than all writes) are rejected with
 * {@link IllegalArgumentException}: such usage is corrupt and must not be priced.
 */
public record TokenCounts(Map<Unit, Long> counts) {

    public TokenCounts {
        Objects.requireNonNull(counts, "counts");
        EnumMap<Unit, Long> copy = new EnumMap<>(Unit.class);
        // by key, not by entry: an EnumMap makes an entry object per element it iterates (pricing runs per request)
        for (Unit unit : counts.keySet()) {
            Objects.requireNonNull(unit, "unit");
            Long count = counts.get(unit);
            long value = count == null ? 0 : count;
            if (value < 0) {
                throw new IllegalArgumentException(unit.breakdownKey + " must be >= 0, was " + value);
            }
            if (value > 0) {
                copy.put(unit, count);
            }
        }
        for (Unit part : copy.keySet()) {
            for (Unit whole : Unit.ALL) {
                if (part.isPartOf(whole) && copy.get(part) > copy.getOrDefault(whole, 0L)) {
                    throw new IllegalArgumentException(part.breakdownKey + " (" + copy.get(part) + ") exceeds "
                            + whole.breakdownKey + " (" + copy.getOrDefault(whole, 0L) + ")");
                }
            }
        }
        long read = copy.getOrDefault(Unit.CACHE_READ, 0L);
        long write = copy.getOrDefault(Unit.CACHE_WRITE, 0L);
        long input = copy.getOrDefault(Unit.INPUT, 0L);
        if (read > input || write > input - read) {
            throw new IllegalArgumentException(
                    "cache_read (" + read + ") + cache_write (" + write + ") exceed input (" + input + ")");
        }
        if (copy.getOrDefault(Unit.CACHE_WRITE_5M, 0L) > write - copy.getOrDefault(Unit.CACHE_WRITE_1H, 0L)) {
            throw new IllegalArgumentException("cache_write_5m + cache_write_1h exceed cache_write (" + write + ")");
        }
        counts = Collections.unmodifiableMap(copy);
    }

    /**
     * The six token categories every usage has: inputTotal includes cacheRead and cacheWrite (all lifetimes);
     * cacheWrite1h is the part of cacheWrite written with a one-hour lifetime (the rest counts as five-minute writes);
     * output includes reasoning.
     */
    public TokenCounts(long inputTotal, long cacheRead, long cacheWrite, long cacheWrite1h, long output, long reasoning) {
        this(core(inputTotal, cacheRead, cacheWrite, cacheWrite1h, output, reasoning));
    }

    private static Map<Unit, Long> core(long inputTotal, long cacheRead, long cacheWrite, long cacheWrite1h, long output,
            long reasoning) {
        requireNonNegative("inputTotal", inputTotal);
        requireNonNegative("cacheRead", cacheRead);
        requireNonNegative("cacheWrite", cacheWrite);
        requireNonNegative("cacheWrite1h", cacheWrite1h);
        requireNonNegative("output", output);
        requireNonNegative("reasoning", reasoning);
        if (cacheWrite1h > cacheWrite) {
            throw new IllegalArgumentException(
                    "cacheWrite1h (" + cacheWrite1h + ") exceeds cacheWrite (" + cacheWrite + ")");
        }
        EnumMap<Unit, Long> map = new EnumMap<>(Unit.class);
        map.put(Unit.INPUT, inputTotal);
        map.put(Unit.CACHE_READ, cacheRead);
        map.put(Unit.CACHE_WRITE, cacheWrite);
        map.put(Unit.CACHE_WRITE_5M, cacheWrite - cacheWrite1h);
        map.put(Unit.CACHE_WRITE_1H, cacheWrite1h);
        map.put(Unit.OUTPUT, output);
        map.put(Unit.REASONING, reasoning);
        return map;
    }

    /** Plain input and output, no cache and no reasoning detail. */
    public static TokenCounts of(long inputTotal, long output) {
        return new TokenCounts(inputTotal, 0, 0, 0, output, 0);
    }

    /** The count of a unit (0 when absent). */
    public long count(Unit unit) {
        return counts.getOrDefault(unit, 0L);
    }

    /** These counts with one unit's count replaced. */
    public TokenCounts with(Unit unit, long count) {
        EnumMap<Unit, Long> map = new EnumMap<>(Unit.class);
        map.putAll(counts);
        map.put(unit, count);
        return new TokenCounts(map);
    }

    public long inputTotal() {
        return count(Unit.INPUT);
    }

    public long cacheRead() {
        return count(Unit.CACHE_READ);
    }

    public long cacheWrite() {
        return count(Unit.CACHE_WRITE);
    }

    public long cacheWrite1h() {
        return count(Unit.CACHE_WRITE_1H);
    }

    public long output() {
        return count(Unit.OUTPUT);
    }

    public long reasoning() {
        return count(Unit.REASONING);
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
    }
}
