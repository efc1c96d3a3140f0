package dev.tokenledger.credentials;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** The rows of {@code upstream_credential}. Secrets come in and go out sealed; nothing here sees a plaintext. */
@ApplicationScoped
public class CredentialStore {

    private static final String COLUMNS = "id, provider, label, kind, status, expires_at, last_error, created_at, "
            + "updated_at, kek_id, wrapped_key, sealed_secret, refresh_at, last_refresh_at, version";

    private final Pool pool;

    @Inject
    public CredentialStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<StoredCredential> insert(UUID id, String provider, String label, CredentialKind kind,
            KeyEncryption.Sealed sealed) {
        return pool.preparedQuery("INSERT INTO upstream_credential (id, provider, label, kind, status, kek_id, "
                + "wrapped_key, sealed_secret) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING " + COLUMNS)
                .execute(Tuple.from(List.of(id, provider, label, kind.id(), CredentialStatus.ENABLED.id(),
                        sealed.kekId(), io.vertx.core.buffer.Buffer.buffer(sealed.wrappedKey()),
                        io.vertx.core.buffer.Buffer.buffer(sealed.sealedSecret()))))
                .map(rows -> first(rows));
    }

    /** A new credential whose access token expires (a login's): refreshed at {@code refreshAt}. */
    public Uni<StoredCredential> insert(UUID id, String provider, String label, CredentialKind kind,
            KeyEncryption.Sealed sealed, OffsetDateTime expiresAt, OffsetDateTime refreshAt) {
        return pool.preparedQuery("INSERT INTO upstream_credential (id, provider, label, kind, status, kek_id, "
                + "wrapped_key, sealed_secret, expires_at, refresh_at, last_refresh_at) VALUES ($1, $2, $3, $4, $5, $6, "
                + "$7, $8, $9, $10, now()) RETURNING " + COLUMNS)
                .execute(Tuple.from(java.util.Arrays.asList(id, provider, label, kind.id(), CredentialStatus.ENABLED.id(),
                        sealed.kekId(), io.vertx.core.buffer.Buffer.buffer(sealed.wrappedKey()),
                        io.vertx.core.buffer.Buffer.buffer(sealed.sealedSecret()), expiresAt, refreshAt)))
                .map(rows -> first(rows));
    }

    /**
     * Stores a refreshed token, only if no refresh with a later fencing token stored one meanwhile: whether this call
     * changed the row. The row's version becomes the fencing token.
     */
    public Uni<Boolean> refreshed(UUID id, long fence, KeyEncryption.Sealed sealed, OffsetDateTime expiresAt,
            OffsetDateTime refreshAt) {
        return pool.preparedQuery("UPDATE upstream_credential SET kek_id = $3, wrapped_key = $4, sealed_secret = $5, "
                + "expires_at = $6, refresh_at = $7, last_refresh_at = now(), last_error = NULL, version = $2, "
                + "updated_at = now() WHERE id = $1 AND version < $2")
                .execute(Tuple.from(java.util.Arrays.asList(id, fence, sealed.kekId(),
                        io.vertx.core.buffer.Buffer.buffer(sealed.wrappedKey()),
                        io.vertx.core.buffer.Buffer.buffer(sealed.sealedSecret()), expiresAt, refreshAt)))
                .map(rows -> rows.rowCount() > 0);
    }

    /** A credential whose token cannot be refreshed any more: out of its pool until someone logs in again. */
    public Uni<Boolean> needsLogin(UUID id, long fence, String error) {
        return pool.preparedQuery("UPDATE upstream_credential SET status = $3, last_error = $4, version = $2, "
                + "updated_at = now() WHERE id = $1 AND version < $2 AND status = $5")
                .execute(Tuple.of(id, fence, CredentialStatus.NEEDS_LOGIN.id(), error, CredentialStatus.ENABLED.id()))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<List<StoredCredential>> all() {
        return pool.query("SELECT " + COLUMNS + " FROM upstream_credential ORDER BY created_at, id").execute()
                .map(CredentialStore::list);
    }

    public Uni<StoredCredential> find(UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM upstream_credential WHERE id = $1").execute(Tuple.of(id))
                .map(CredentialStore::first);
    }

    /** Changes label and/or status (null leaves one as it is); the updated row, or null when none has the id. */
    public Uni<StoredCredential> update(UUID id, String label, CredentialStatus status) {
        return pool.preparedQuery("UPDATE upstream_credential SET label = coalesce($2, label), "
                + "status = coalesce($3, status), updated_at = now() WHERE id = $1 RETURNING " + COLUMNS)
                .execute(Tuple.of(id, label, status == null ? null : status.id())).map(CredentialStore::first);
    }

    /** Remembers the last error an upstream gave for a credential (already redacted). */
    public Uni<Void> lastError(UUID id, String error) {
        return pool.preparedQuery("UPDATE upstream_credential SET last_error = $2 WHERE id = $1")
                .execute(Tuple.of(id, error)).replaceWithVoid();
    }

    public Uni<Boolean> delete(UUID id) {
        return pool.preparedQuery("DELETE FROM upstream_credential WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() > 0);
    }

    /**
     * Replaces a row's wrapped data key, only if it is still wrapped by {@code fromKekId} (another replica may have
     * re-wrapped it meanwhile): whether this call changed it.
     */
    public Uni<Boolean> rewrap(UUID id, String fromKekId, KeyEncryption.Sealed rewrapped) {
        return pool.preparedQuery("UPDATE upstream_credential SET kek_id = $3, wrapped_key = $4, updated_at = now() "
                + "WHERE id = $1 AND kek_id = $2")
                .execute(Tuple.of(id, fromKekId, rewrapped.kekId(),
                        io.vertx.core.buffer.Buffer.buffer(rewrapped.wrappedKey())))
                .map(rows -> rows.rowCount() > 0);
    }

    private static List<StoredCredential> list(RowSet<Row> rows) {
        List<StoredCredential> out = new ArrayList<>();
        rows.forEach(r -> out.add(of(r)));
        return out;
    }

    private static StoredCredential first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? of(it.next()) : null;
    }

    private static StoredCredential of(Row r) {
        return new StoredCredential(r.getUUID("id"), r.getString("provider"), r.getString("label"),
                CredentialKind.valueOf(r.getString("kind").toUpperCase(java.util.Locale.ROOT).replace('-', '_')),
                CredentialStatus.valueOf(r.getString("status").toUpperCase(java.util.Locale.ROOT)),
                r.getOffsetDateTime("expires_at"), r.getString("last_error"), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("updated_at"), new KeyEncryption.Sealed(r.getString("kek_id"),
                        r.getBuffer("wrapped_key").getBytes(), r.getBuffer("sealed_secret").getBytes()),
                r.getOffsetDateTime("refresh_at"), r.getOffsetDateTime("last_refresh_at"), r.getLong("version"));
    }

}
