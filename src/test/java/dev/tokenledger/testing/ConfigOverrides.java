package dev.tokenledger.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A test profile that only sets configuration options: a subclass hands its overrides to the constructor, and
 * {@code @TestProfile} names the subclass.
 */
public abstract class ConfigOverrides implements QuarkusTestProfile {

    private final Map<String, String> overrides;

    protected ConfigOverrides(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return overrides;
    }
}
