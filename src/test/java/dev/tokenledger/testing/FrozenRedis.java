package dev.tokenledger.testing;

import java.util.Map;

/**
 * {@link RedisBehindProxy} with the production Redis timeout (250 ms) and a short concurrency-slot TTL (3 s), for tests
 * that stall Redis ({@link TcpProxy#stall()}) or burst requests at it.
 */
public class FrozenRedis extends RedisBehindProxy {

    /** Runs the test class on {@link FrozenRedis} alone. */
    public static class Profile extends OwnResource {
        public Profile() {
            super(FrozenRedis.class);
        }
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        config.put("tokenledger.admission.redis-timeout", "250ms");
        config.put("tokenledger.admission.redis-retry-after", "1s");
        config.put("tokenledger.admission.slot-ttl", "3s");
        config.put("tokenledger.admission.adaptive.enabled", "false");
        return config;
    }
}
