package dev.tokenledger.admin;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.audit.AuditEntry;
import dev.tokenledger.audit.AuditedChange;
import dev.tokenledger.auth.KeyChanges;
import dev.tokenledger.auth.Pepper;
import dev.tokenledger.auth.VirtualKeys;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.tenancy.ApiKey;
import dev.tokenledger.tenancy.Team;

/**
 * Virtual keys: created for a team, shown once, stored only as a peppered hash; listed, disabled, revoked and rotated.
 */
@Path("/admin/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Keys", description = "Virtual keys: issued for a team, shown once, disabled, rotated or revoked")
public class KeysResource {

    private final AdminScope scope;
    private final GatewayConfig config;
    private final KeyChanges keyChanges;

    @Inject
    public KeysResource(AdminScope scope, GatewayConfig config, KeyChanges keyChanges) {
        this.scope = scope;
        this.config = config;
        this.keyChanges = keyChanges;
    }

    public record CreateKey(@Schema(required = true, examples = "notebook") String name, @Schema(required = true) UUID teamId,
            @Schema(description = "Models the key may use (glob patterns); all when absent", examples = "[\"gpt-4o*\"]") List<String> models,
            @Schema(description = "When the key stops working; never when absent") OffsetDateTime expiresAt,
            Map<String, Object> metadata) {
    }

    /** A key as listed; the key itself is never shown again. */
    public record KeyView(UUID id, String name, UUID teamId, String prefix, String last4, List<String> models,
            Map<String, Object> metadata, String status, OffsetDateTime expiresAt, OffsetDateTime createdAt,
            OffsetDateTime revokedAt, UUID rotatedFrom) {
        static KeyView of(ApiKey k) {
            return new KeyView(k.id, k.name, k.teamId, k.keyPrefix, k.keyLast4, k.models, k.metadata, k.status, k.expiresAt,
                    k.createdAt, k.revokedAt, k.rotatedFrom);
        }
    }

    /** A key as created or rotated: the only time {@code key} is shown. */
    public record CreatedKey(UUID id, String key, String prefix, String name, UUID teamId, List<String> models,
            Map<String, Object> metadata, String status, OffsetDateTime expiresAt, OffsetDateTime createdAt,
            UUID rotatedFrom,
            @Schema(description = "For a rotation: until when the replaced key keeps working (the end of the overlap; "
                    + "the rotation itself when there is none)") OffsetDateTime rotatedFromUntil) {

        CreatedKey until(OffsetDateTime replacedUntil) {
            return new CreatedKey(id, key, prefix, name, teamId, models, metadata, status, expiresAt, createdAt,
                    rotatedFrom, replacedUntil);
        }
    }

    /** The longest overlap a rotation may leave the replaced key working for: 30 days. */
    static final long MAX_OVERLAP_SECONDS = 30L * 86_400;

    @POST
    @RolesAllowed(AdminScope.ADMIN)
    @WithTransaction
    @Operation(operationId = "createKey", summary = "Create a virtual key; the answer is the only time the key is shown")
    @APIResponse(responseCode = "201", description = "The key, shown this once", content = @Content(schema = @Schema(implementation = CreatedKey.class)))
    public Uni<RestResponse<CreatedKey>> create(CreateKey body) {
        String name = AdminErrors.required(body == null ? null : body.name(), "name");
        AdminErrors.texts("models", body.models());
        AdminErrors.texts("metadata", body.metadata());
        if (body.teamId() == null) {
            throw AdminErrors.invalid("teamId", "Missing required field: 'teamId'.");
        }
        if (body.expiresAt() != null && !body.expiresAt().isAfter(OffsetDateTime.now())) {
            throw AdminErrors.invalid("expiresAt", "'expiresAt' must be in the future.");
        }
        AuditedChange audit = scope.change();
        return Team.<Team>findById(body.teamId()).chain(team -> {
            if (team == null) {
                return Uni.createFrom().failure(AdminErrors.notFound("Team " + body.teamId()));
            }
            return issue(name, team.id, body.models(), body.expiresAt(), body.metadata(), null)
                    .call(created -> audit
                            .inTransaction(AuditEntry.of("key", created.id(), "create", created.teamId(), null, created)))
                    .map(created -> RestResponse.status(RestResponse.Status.CREATED, created));
        });
    }

    @GET
    @RolesAllowed({AdminScope.ADMIN, AdminScope.VIEWER})
    @WithSession
    @Operation(operationId = "listKeys", summary = "List keys (a viewer sees its teams' keys)")
    public Uni<List<KeyView>> list(@QueryParam("teamId") UUID teamId) {
        if (teamId != null && !scope.canSee(teamId)) {
            return Uni.createFrom().item(List.of());
        }
        Uni<List<ApiKey>> keys = teamId != null
                ? ApiKey.list("teamId = ?1 order by createdAt", teamId)
                : scope.<ApiKey>visible(() -> ApiKey.list("order by createdAt"),
                        teams -> ApiKey.list("teamId in ?1 order by createdAt", teams));
        return keys.map(list -> list.stream().map(KeyView::of).toList());
    }

    /** One page of keys, newest first, and whether more keys match after it. */
    /** A page of the key list; {@code replaced}: the keys on it already rotated, working on only until their overlap ends. */
    public record KeyPage(List<KeyView> keys, boolean more, java.util.Set<UUID> replaced) {
    }

    /** The longest search text: longer ones are cut (a name is at most 200 characters). */
    static final int MAX_SEARCH = 200;

    /**
     * Keys the caller may see whose name, display prefix or team name contains {@code q} (any case), newest first,
     * from {@code offset}, at most {@code limit}: the console's list, searched and paged in the database (one query).
     */
    @RolesAllowed({AdminScope.ADMIN, AdminScope.VIEWER})
    @WithSession
    public Uni<KeyPage> search(String q, int offset, int limit) {
        StringBuilder where = new StringBuilder("1 = 1");
        Map<String, Object> params = new java.util.HashMap<>();
        if (!scope.allTeams()) {
            if (scope.teams().isEmpty()) {
                return Uni.createFrom().item(new KeyPage(List.of(), false, java.util.Set.of()));
            }
            where.append(" and teamId in :teams");
            params.put("teams", List.copyOf(scope.teams()));
        }
        String needle = q == null ? "" : q.strip().toLowerCase(java.util.Locale.ROOT);
        if (!needle.isEmpty()) {
            needle = needle.substring(0, Math.min(needle.length(), MAX_SEARCH));
            where.append(" and (lower(name) like :q escape '!' or lower(keyPrefix) like :q escape '!' or teamId in "
                    + "(select t.id from Team t where lower(t.name) like :q escape '!'))");
            params.put("q", "%" + needle.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        }
        io.quarkus.hibernate.reactive.panache.PanacheQuery<ApiKey> query = ApiKey.find(where + " order by createdAt desc, id",
                params);
        // one row more than the page says whether another page follows, without counting every match
        return query.range(offset, offset + limit).list().chain(list -> {
            List<KeyView> keys = list.stream().limit(limit).map(KeyView::of).toList();
            if (keys.isEmpty()) {
                return Uni.createFrom().item(new KeyPage(keys, false, java.util.Set.of()));
            }
            // the keys of the page that a rotation replaced (their replacement names them), in one query
            return Panache.getSession().chain(session -> session.createSelectionQuery(
                    "select k.rotatedFrom from ApiKey k where k.rotatedFrom in :ids", UUID.class)
                    .setParameter("ids", keys.stream().map(KeyView::id).toList()).getResultList())
                    .map(replaced -> new KeyPage(keys, list.size() > limit, java.util.Set.copyOf(replaced)));
        });
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({AdminScope.ADMIN, AdminScope.VIEWER})
    @WithSession
    @Operation(operationId = "getKey", summary = "One key")
    public Uni<KeyView> get(@PathParam("id") UUID id) {
        return visible(id).map(KeyView::of);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(AdminScope.ADMIN)
    @Operation(operationId = "revokeKey", summary = "Revoke a key, for good")
    public Uni<KeyView> revoke(@PathParam("id") UUID id) {
        return committed(id, "revoke", key -> {
            if (!ApiKey.REVOKED.equals(key.status)) {
                key.status = ApiKey.REVOKED;
                key.revokedAt = OffsetDateTime.now();
            }
            return Uni.createFrom().item(KeyView.of(key));
        });
    }

    @POST
    @Path("/{id}/disable")
    @RolesAllowed(AdminScope.ADMIN)
    @Operation(operationId = "disableKey", summary = "Disable a key (it can be enabled again)")
    public Uni<KeyView> disable(@PathParam("id") UUID id) {
        return setStatus(id, ApiKey.DISABLED);
    }

    @POST
    @Path("/{id}/enable")
    @RolesAllowed(AdminScope.ADMIN)
    @Operation(operationId = "enableKey", summary = "Enable a disabled key")
    public Uni<KeyView> enable(@PathParam("id") UUID id) {
        return setStatus(id, ApiKey.ACTIVE);
    }

    @POST
    @Path("/{id}/rotate")
    @RolesAllowed(AdminScope.ADMIN)
    @Operation(operationId = "rotateKey", summary = "Replace a key by a new one with the same settings; the old key "
            + "stops working at once, or when the overlap ends")
    @APIResponse(responseCode = "201", description = "The new key, shown this once", content = @Content(schema = @Schema(implementation = CreatedKey.class)))
    public Uni<RestResponse<CreatedKey>> rotate(@PathParam("id") UUID id,
            @QueryParam("overlapSeconds") @Parameter(description = "How long the old key keeps working beside the new "
                    + "one (0 to 2592000 seconds, 30 days); it is revoked at once when absent or 0") Long overlapSeconds) {
        long overlap = overlapSeconds == null ? 0 : overlapSeconds;
        if (overlap < 0 || overlap > MAX_OVERLAP_SECONDS) {
            throw AdminErrors.invalid("overlapSeconds", "'overlapSeconds' must be between 0 and " + MAX_OVERLAP_SECONDS
                    + " (30 days).");
        }
        return committed(id, "rotate", old -> {
            if (ApiKey.REVOKED.equals(old.status)) {
                return Uni.createFrom().failure(GatewayError.of(ErrorKind.CONFLICT, "A revoked key cannot be rotated."));
            }
            // a key already replaced (working on only until its overlap ends) is not rotated again: that would leave
            // two replacements, and the second rotation would move the first one's overlap
            // the key's row is locked first, so that of two rotations at once the second sees the first's replacement
            return Panache.getSession().chain(session -> session.lock(old, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE))
                    .chain(() -> ApiKey.<ApiKey>find("rotatedFrom = ?1 order by createdAt", old.id).<ApiKey>firstResult())
                    .chain(replacement -> replacement == null
                            ? replace(old, overlap)
                            : Uni.createFrom().failure(GatewayError.of(ErrorKind.CONFLICT, "Key " + old.name + " ("
                                    + old.keyPrefix + "…" + old.keyLast4 + ") was already rotated"
                                    + (old.expiresAt == null
                                            ? ""
                                            : " and works only until "
                                                    + old.expiresAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                                    + "; rotate its replacement (" + replacement.keyPrefix + "…" + replacement.keyLast4
                                    + ") instead.")));
        });
    }

    /** Replaces a key by a new one; the old one stops now, or when the overlap ends. */
    private Uni<RestResponse<CreatedKey>> replace(ApiKey old, long overlap) {
        // to the microsecond, as stored, so that the answer says what the key row says
        OffsetDateTime now = OffsetDateTime.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        // the new key keeps the old one's expiry, not the overlap's end
        OffsetDateTime expiresAt = old.expiresAt;
        OffsetDateTime until;
        if (overlap == 0) {
            old.status = ApiKey.REVOKED;
            old.revokedAt = now;
            until = now;
        } else {
            until = now.plusSeconds(overlap);
            if (old.expiresAt == null || old.expiresAt.isAfter(until)) {
                old.expiresAt = until;
            } else {
                until = old.expiresAt;
            }
        }
        OffsetDateTime oldUntil = until;
        return issue(old.name, old.teamId, old.models, expiresAt, old.metadata, old.id)
                .map(created -> RestResponse.status(RestResponse.Status.CREATED, created.until(oldUntil)));
    }

    private Uni<KeyView> setStatus(UUID id, String status) {
        return committed(id, ApiKey.ACTIVE.equals(status) ? "enable" : "disable", key -> {
            if (ApiKey.REVOKED.equals(key.status)) {
                throw GatewayError.of(ErrorKind.CONFLICT, "A revoked key cannot change state.");
            }
            key.status = status;
            return Uni.createFrom().item(KeyView.of(key));
        });
    }

    /**
     * Changes a key in a transaction of its own, with its audit entry (the key's view before and after; for a
     * rotation, after is the replacement); once that is committed (not before, or a replica could cache the old
     * state again), every replica looks the key up afresh.
     */
    private <T> Uni<T> committed(UUID id, String action, Function<ApiKey, Uni<T>> change) {
        String[] keyHash = new String[1];
        AuditedChange audit = scope.change();
        return Panache.withTransaction(() -> visible(id).chain(key -> {
            keyHash[0] = key.keyHash;
            KeyView before = KeyView.of(key);
            return change.apply(key).call(result -> audit.inTransaction(AuditEntry.of("key", id, action,
                    key.teamId, before, result instanceof RestResponse<?> r ? r.getEntity() : KeyView.of(key))));
        })).call(() -> keyChanges.changed(keyHash[0]));
    }

    /** A key the caller may see; 404 (not 403) otherwise, so ids of other teams leak nothing. */
    private Uni<ApiKey> visible(UUID id) {
        return ApiKey.<ApiKey>findById(id).map(key -> {
            if (key == null || !scope.canSee(key.teamId)) {
                throw AdminErrors.notFound("Key " + id);
            }
            return key;
        });
    }

    private Uni<CreatedKey> issue(String name, UUID teamId, List<String> models, OffsetDateTime expiresAt,
            Map<String, Object> metadata, UUID rotatedFrom) {
        String pepper = Pepper.of(config);
        if (pepper == null) {
            return Uni.createFrom().failure(GatewayError.of(ErrorKind.UNAVAILABLE,
                    "Virtual keys need tokenledger.keys.pepper to be configured."));
        }
        String secret = VirtualKeys.generate();
        ApiKey key = new ApiKey();
        key.id = UUID.randomUUID();
        key.teamId = teamId;
        key.name = name;
        key.keyHash = VirtualKeys.hash(pepper, secret);
        key.pepperVersion = Pepper.CURRENT_VERSION;
        key.keyPrefix = VirtualKeys.displayPrefix(secret);
        key.keyLast4 = VirtualKeys.last4(secret);
        key.models = models == null ? List.of() : List.copyOf(models);
        key.metadata = metadata == null ? Map.of() : metadata;
        key.status = ApiKey.ACTIVE;
        key.expiresAt = expiresAt;
        key.createdAt = OffsetDateTime.now();
        key.rotatedFrom = rotatedFrom;
        return key.<ApiKey>persist().map(k -> new CreatedKey(k.id, secret, k.keyPrefix, k.name, k.teamId, k.models,
                k.metadata, k.status, k.expiresAt, k.createdAt, k.rotatedFrom, null));
    }
}
