package dev.tokenledger.routing;

import java.util.Arrays;
import java.util.List;

/** How the deployments of an alias are ordered for one request. */
public enum Strategy {
    FILL_FIRST, ROUND_ROBIN, WEIGHTED, LEAST_BUSY, LOWEST_LATENCY, COST;

    /** The configuration name, e.g. {@code fill-first}. */
    public String configName() {
        return name().toLowerCase().replace('_', '-');
    }

    /** @throws IllegalArgumentException naming the valid strategies */
    public static Strategy parse(String name) {
        for (Strategy s : values()) {
            if (s.configName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown strategy '" + name + "'; valid strategies: " + names());
    }

    static List<String> names() {
        return Arrays.stream(values()).map(Strategy::configName).toList();
    }
}
