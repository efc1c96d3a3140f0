package dev.tokenledger.auth;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Multi;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.testing.GatewayCalls;
import dev.tokenledger.testing.TestDb;
import dev.tokenledger.testing.Upstreams;
import dev.tokenledger.testing.VirtualKey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The virtual-key cache is bounded: forged keys with a valid checksum (the checksum is public) neither grow it past
 * its bound nor cost a database lookup each time they are repeated; and a key's lookup can be dropped on demand.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class KeyCacheTest {

    static final int FORGED = 100_000;
    static final Duration WAIT = Duration.ofMinutes(3);

    @Inject
    VirtualKeyAuthenticator authenticator;

    @Inject
    KeyCache cache;

    @Inject
    GatewayConfig config;

    @Test
    void oneHundredThousandForgedKeysStayWithinTheBoundAndRepeatsCostNoLookup() {
        SecureRandom random = new SecureRandom();
        long lookupsBefore = cache.lookups();
        AtomicInteger refused = new AtomicInteger();
        String[] last = new String[1];
        Multi.createFrom().range(0, FORGED).onItem().transformToUni(i -> {
            String key = forge(random);
            last[0] = key;
            return authenticator.authenticate(key).onItemOrFailure().transform((principal, failure) -> {
                if (principal == null && failure instanceof GatewayError g && g.kind() == ErrorKind.AUTHENTICATION) {
                    refused.incrementAndGet();
                }
                return i;
            });
        }).merge(64).collect().last().await().atMost(WAIT);

        assertEquals(FORGED, refused.get(), "every forged key is refused as incorrect");
        long lookups = cache.lookups() - lookupsBefore;
        assertEquals(FORGED, lookups, "one database lookup per distinct forged key, no more");
        assertTrue(cache.cachedKeys() <= cache.bound(), cache.cachedKeys() + " cached keys, bound " + cache.bound());
        assertTrue(cache.cachedKeys() <= config.keys().negativeCacheSize() + 1_000L,
                "forged keys only occupy the negative cache: " + cache.cachedKeys());

        // the forged key sent again is refused from the negative cache, without asking the database
        for (int i = 0; i < 10; i++) {
            Throwable again = authenticator.authenticate(last[0]).onItemOrFailure().transform((p, f) -> f).await()
                    .atMost(WAIT);
            assertInstanceOf(GatewayError.class, again);
        }
        assertEquals(lookupsBefore + FORGED, cache.lookups(), "a repeated forged key costs no lookup");
    }

    @Test
    void aKeyCachedAsActiveIsRefusedOnceItsLookupIsInvalidated() throws Exception {
        VirtualKey made = GatewayCalls.newKey(null);
        String key = made.key();
        String teamId = made.teamId();
        Principal principal = authenticator.authenticate(key).await().atMost(WAIT);
        assertEquals(teamId, principal.teamId().toString());

        String hash = VirtualKeys.hash(Pepper.of(config), key);
        // disabled behind the gateway's back (as another replica would): this replica still has the active lookup
        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement disable = db.prepareStatement("UPDATE api_key SET status = 'disabled' WHERE key_hash = ?")) {
            disable.setString(1, hash);
            assertEquals(1, disable.executeUpdate());
        }
        assertSame(principal, authenticator.authenticate(key).await().atMost(WAIT), "served from the cache");

        cache.invalidate(hash);
        Throwable refused = authenticator.authenticate(key).onItemOrFailure().transform((p, f) -> f).await().atMost(WAIT);
        assertInstanceOf(GatewayError.class, refused);
        assertEquals("This API key is disabled.", refused.getMessage());

        try (Connection db = DriverManager.getConnection(TestDb.JDBC_URL, "postgres", "");
                PreparedStatement enable = db.prepareStatement("UPDATE api_key SET status = 'active' WHERE key_hash = ?")) {
            enable.setString(1, hash);
            enable.executeUpdate();
        }
        cache.invalidateAll();
        assertEquals(principal.keyId(), authenticator.authenticate(key).await().atMost(WAIT).keyId());
    }

    /** A key of the right shape with a valid checksum that was never issued. */
    static String forge(SecureRandom random) {
        char[] alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
        StringBuilder key = new StringBuilder(VirtualKeys.PREFIX);
        for (int i = 0; i < VirtualKeys.BODY_LENGTH; i++) {
            key.append(alphabet[random.nextInt(alphabet.length)]);
        }
        String forged = key.append(VirtualKeys.checksum(key)).toString();
        assertTrue(VirtualKeys.wellFormed(forged));
        return forged;
    }
}
