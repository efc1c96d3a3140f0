package dev.tokenledger.pricing;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Service tiers: a provider may bill the same model at other rates for {@code priority}, {@code flex} or {@code batch}
 * processing. Each tier's prices are separate catalogue versions keyed by the tier's name; {@link #STANDARD} is the
 * default tier.
 * <p>
 * A tier name is lowercase {@code [a-z0-9_-]}, at most 32 characters. What providers report for their default tier
 * ({@code default}, {@code standard}, {@code auto}, {@code on_demand}, nothing) is {@link #STANDARD}.
 */
public final class ServiceTier {

    public static final String STANDARD = "standard";
    public static final String PRIORITY = "priority";
    public static final String FLEX = "flex";
    public static final String BATCH = "batch";

    /** A reported tier that is not a valid name: it has no prices, so its requests are unpriced. */
    public static final String UNKNOWN = "unknown";

    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final Set<String> STANDARD_NAMES = Set.of("", STANDARD, "default", "auto", "on_demand",
            "standard_only");

    private ServiceTier() {
    }

    /** The tier a provider reported (any text, or null), as a tier name; never null. */
    public static String normalize(String reported) {
        if (reported == null) {
            return STANDARD;
        }
        String name = reported.trim().toLowerCase(Locale.ROOT);
        if (STANDARD_NAMES.contains(name)) {
            return STANDARD;
        }
        return NAME.matcher(name).matches() ? name : UNKNOWN;
    }

    /** A tier name of a catalogue entry: null means standard; {@link IllegalArgumentException} when not valid. */
    public static String require(String name) {
        if (name == null) {
            return STANDARD;
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("service tier must match [a-z0-9_-]{1,32}, was \"" + name + "\"");
        }
        return STANDARD_NAMES.contains(name) ? STANDARD : name;
    }
}
