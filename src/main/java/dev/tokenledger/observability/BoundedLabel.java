package dev.tokenledger.observability;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values one metric label may take: the first {@code max} distinct values seen keep their own value, every later
 * one is {@value #OTHER}, so that no number of keys, teams or models grows the meters without bound.
 */
final class BoundedLabel {

    static final String OTHER = "other";

    private final int max;
    private final Set<String> kept = ConcurrentHashMap.newKeySet();

    BoundedLabel(int max) {
        this.max = max;
    }

    /** The value as a label: itself while there is room (or it was kept before), else {@value #OTHER}. */
    String of(String value) {
        if (value == null) {
            return "none";
        }
        if (kept.contains(value)) {
            return value;
        }
        synchronized (this) {
            if (kept.size() < max) {
                kept.add(value);
                return value;
            }
        }
        return kept.contains(value) ? value : OTHER;
    }
}
