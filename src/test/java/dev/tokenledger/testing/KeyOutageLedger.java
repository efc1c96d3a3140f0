package dev.tokenledger.testing;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * {@link DurableLedger} with key lookups that go stale after one second, so that a PostgreSQL outage of a few seconds
 * outlasts the key cache many times over: what an outage of minutes does to the default 30-second lookups.
 */
public class KeyOutageLedger extends DurableLedger {

    public static final String TTL = "1s";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KeyOutageLedger.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        config.put("tokenledger.keys.cache-ttl", TTL);
        config.put("tokenledger.keys.negative-cache-ttl", TTL);
        config.put("tokenledger.keys.max-stale", "1h");
        config.put("tokenledger.keys.lookup-timeout", "1s");
        return config;
    }
}
