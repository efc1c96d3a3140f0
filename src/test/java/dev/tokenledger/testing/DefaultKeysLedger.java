package dev.tokenledger.testing;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * {@link DurableLedger} with the virtual-key lookups as shipped: the default {@code cache-ttl}, {@code max-stale},
 * {@code negative-cache-ttl} and {@code lookup-timeout}, so that an outage test measures what a deployment gets.
 */
public class DefaultKeysLedger extends DurableLedger {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DefaultKeysLedger.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        config.keySet().removeIf(option -> option.startsWith("tokenledger.keys."));
        return config;
    }
}
