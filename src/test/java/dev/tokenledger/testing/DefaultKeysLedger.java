package dev.tokenledger.testing;

import java.util.Map;

/**
 * {@link DurableLedger} with the virtual-key lookups as shipped: the default {@code cache-ttl}, {@code max-stale},
 * {@code negative-cache-ttl} and {@code lookup-timeout}, so that an outage test measures what a deployment gets.
 */
public class DefaultKeysLedger extends DurableLedger {

    public static class Profile extends OwnResource {
        public Profile() {
            super(DefaultKeysLedger.class);
        }
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        config.keySet().removeIf(option -> option.startsWith("tokenledger.keys."));
        return config;
    }
}
