package dev.tokenledger.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;

import dev.tokenledger.coherence.Change;
import dev.tokenledger.config.GatewayConfig;

/**
 * Says at start-up what the key pepper configuration means for issuing keys and for rotating the master key, and
 * tells the authenticator whether keys of the master-key pepper are left to look up.
 */
@ApplicationScoped
public class PepperCheck {

    private static final String LEGACY_KEYS = "SELECT count(*) FROM api_key WHERE pepper_version = "
            + Pepper.LEGACY_VERSION + " AND status <> 'revoked'";

    private final Pool pool;
    private final VirtualKeyAuthenticator authenticator;
    private final boolean pepper;
    private final boolean legacy;

    @Inject
    public PepperCheck(Pool pool, VirtualKeyAuthenticator authenticator, GatewayConfig config) {
        this.pool = pool;
        this.authenticator = authenticator;
        this.pepper = Pepper.of(config) != null;
        this.legacy = Pepper.legacy(config) != null;
    }

    void onStart(@Observes StartupEvent event) {
        if (!pepper) {
            Log.warn("tokenledger.keys.pepper (TOKENLEDGER_KEYS_PEPPER) is not set: no virtual key can be issued; set it "
                    + "to a secret of its own, apart from the master key");
        }
        count(true);
    }

    /** Counted again whenever everything is reloaded (keys may have changed without an announcement). */
    void onChange(@Observes Change change) {
        if (change.kind() == Change.Kind.ALL) {
            count(false);
        }
    }

    private void count(boolean warn) {
        if (!legacy) {
            return;
        }
        pool.query(LEGACY_KEYS).execute().subscribe().with(rows -> {
            long count = rows.iterator().next().getLong(0);
            authenticator.legacyKeys(count > 0);
            if (count > 0 && warn) {
                Log.warnf("%d virtual key(s) predate the separate key pepper (pepper version %d): those hashed with the "
                        + "master key still verify with it, so rotating the master key would revoke them. Rotate them "
                        + "(POST /admin/v1/keys/{id}/rotate) to move them to tokenledger.keys.pepper", count,
                        Pepper.LEGACY_VERSION);
            }
        }, e -> Log.debugf("Could not count keys of pepper version 1: %s", e.getMessage()));
    }
}
