package dev.tokenledger.testing;

import java.util.Map;

/**
 * {@link DurableLedger} with key lookups that go stale after one second, so that a PostgreSQL outage of a few seconds
 * outlasts the key cache many times over: what an outage of minutes does to the default 30-second lookups.
 */
public class KeyOutageLedger extends DurableLedger {

    public static final String TTL = "1s";

    public static class Profile extends OwnResource {
        public Profile() {
            super(KeyOutageLedger.class);
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
