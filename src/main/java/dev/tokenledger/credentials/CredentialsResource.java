package dev.tokenledger.credentials;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.audit.Actor;
import dev.tokenledger.audit.AuditEntry;
import dev.tokenledger.audit.AuditLog;
import dev.tokenledger.audit.Auditor;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.coherence.Change;
import dev.tokenledger.coherence.Changes;
import dev.tokenledger.provider.ModelsCapable;
import dev.tokenledger.provider.ProviderRegistry;
import dev.tokenledger.provider.TokenKind;

/**
 * Upstream credentials: created with their secret, which is sealed at once and never shown again; listed and read as
 * metadata only; relabelled, disabled, enabled and deleted. A provider's configured key is listed as a read-only
 * member {@code config:<provider>}. Changes reach this replica's pools at once and the others' at their next reload.
 */
@Path("/admin/v1/credentials")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Credentials", description = "Upstream credentials, stored encrypted, in pools per provider")
public class CredentialsResource {

    static final int MAX_LABEL = 200;
    static final int MAX_SECRET = 16 * 1024;
    static final int MAX_HEADERS = 32;
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

    private final CredentialStore store;
    private final CredentialPools pools;
    private final ProviderRegistry registry;
    private final Changes changes;
    private final TokenRefresher refresher;
    private final Auditor auditor;
    private final AuditLog audit;

    @Inject
    public CredentialsResource(CredentialStore store, CredentialPools pools, ProviderRegistry registry,
            Changes changes, TokenRefresher refresher, Auditor auditor, AuditLog audit) {
        this.auditor = auditor;
        this.audit = audit;
        this.refresher = refresher;
        this.store = store;
        this.pools = pools;
        this.registry = registry;
        this.changes = changes;
    }

    /** Applies a stored change here at once and announces it to the other replicas. */
    private Uni<Void> changed() {
        return pools.credentialsChanged().call(() -> changes.announce(Change.of(Change.Kind.CREDENTIALS)));
    }

    /** A new credential: the provider it belongs to, a label, and its secret. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record CreateCredential(String provider, String label, String apiKey, Map<String, String> headers,
            OAuthTokens oauth) {
        @Override
        public String toString() {
            return "CreateCredential[provider=" + provider + ", label=" + label + "]";
        }
    }

    /**
     * OAuth tokens obtained elsewhere, kept fresh by the refresh-token grant at {@code tokenUrl}.
     *
     * @param accessToken the current access token, or null to refresh before the first use
     * @param expiresAt when the access token expires (null with an access token: one hour from now)
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record OAuthTokens(String accessToken, String refreshToken, OffsetDateTime expiresAt, String tokenUrl,
            String clientId, String clientSecret) {
        @Override
        public String toString() {
            return "OAuthTokens[tokenUrl=" + tokenUrl + "]";
        }
    }

    /** A change of label and/or status ({@code enabled} or {@code disabled}); absent fields stay as they are. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record UpdateCredential(String label, String status) {
    }

    /**
     * A credential as the admin API shows it: metadata only, never its secret.
     *
     * @param readOnly whether it comes from the configuration (a provider's {@code api-key})
     * @param kekId the id of the key-encryption key that wraps its data key (null for a configured key)
     * @param requests requests this replica sent with it since it started
     */
    public record CredentialView(String id, String provider, String label, String kind, String status,
            OffsetDateTime expiresAt, String lastError, OffsetDateTime createdAt, OffsetDateTime updatedAt,
            boolean readOnly, String kekId, long requests, OffsetDateTime refreshAt, OffsetDateTime lastRefreshAt) {
    }

    /** The answer of a re-wrap: how many rows moved to the active key. */
    public record Rewrapped(int rewrapped, String kekId) {
    }

    @POST
    @RolesAllowed("admin")
    @Operation(operationId = "createCredential", summary = "Store a credential for a configured provider; its secret is encrypted and never shown again")
    @APIResponse(responseCode = "201", description = "The credential (metadata only)", content = @Content(schema = @Schema(implementation = CredentialView.class)))
    public Uni<RestResponse<CredentialView>> create(CreateCredential body) {
        if (body == null) {
            throw GatewayError.invalid("provider", "Missing request body.");
        }
        String provider = required(body.provider(), "provider", 100);
        if (registry.find(provider).isEmpty()) {
            throw GatewayError.invalid("provider", "Unknown provider '" + provider + "'; configured providers: "
                    + providerIds() + ".");
        }
        String label = required(body.label(), "label", MAX_LABEL);
        if (body.oauth() != null && body.apiKey() != null) {
            throw GatewayError.invalid("apiKey", "Give either 'apiKey' or 'oauth', not both.");
        }
        if (body.oauth() == null) {
            if (body.apiKey() == null || body.apiKey().isBlank()) {
                throw GatewayError.invalid("apiKey", "Missing required field: 'apiKey' (or 'oauth').");
            }
            secret("apiKey", body.apiKey());
        }
        Map<String, String> headers = headers(body.headers());
        if (!pools.keys().configured()) {
            throw GatewayError.of(ErrorKind.CONFLICT, "Credentials cannot be stored: no key-encryption key is "
                    + "configured (tokenledger.credentials.kek or tokenledger.credentials.keks with active-kek).");
        }
        UUID id = UUID.randomUUID();
        Uni<StoredCredential> insert;
        if (body.oauth() == null) {
            KeyEncryption.Sealed sealed = pools.keys().seal(id, provider,
                    new Secret(body.apiKey(), headers).withIdentity(Fingerprints.newIdentity()).encode());
            insert = store.insert(id, provider, label, CredentialKind.API_KEY, sealed);
        } else {
            insert = oauth(id, provider, label, headers, body.oauth());
        }
        Actor actor = auditor.actor();
        return insert
                .call(row -> changed())
                .call(row -> audit.append(actor, AuditEntry.of("credential", row.id(), "create", null, null, view(row))))
                .map(row -> {
                    Log.infof("Credential %s stored for provider '%s'", row.id(), provider);
                    return RestResponse.status(RestResponse.Status.CREATED, view(row));
                });
    }

    @GET
    @RolesAllowed("admin")
    @Operation(operationId = "listCredentials", summary = "Credentials (metadata only), the configured keys included as read-only members")
    public Uni<List<CredentialView>> list(@QueryParam("provider") String provider) {
        return store.all().map(rows -> {
            List<CredentialView> out = new ArrayList<>(configured(provider));
            rows.stream().filter(r -> provider == null || provider.equals(r.provider())).forEach(r -> out.add(view(r)));
            return out;
        });
    }

    @GET
    @Path("/{id}")
    @RolesAllowed("admin")
    @Operation(operationId = "getCredential", summary = "One credential (metadata only)")
    public Uni<CredentialView> get(@PathParam("id") String id) {
        if (id.startsWith("config:")) {
            return Uni.createFrom().item(configured(id.substring("config:".length())).stream()
                    .filter(v -> v.id().equals(id)).findFirst().orElseThrow(() -> notFound(id)));
        }
        return store.find(uuid(id)).map(row -> {
            if (row == null) {
                throw notFound(id);
            }
            return view(row);
        });
    }

    @GET
    @Path("/{id}/models")
    @RolesAllowed("admin")
    @Operation(operationId = "listCredentialModels", summary = "The models the upstream offers to this credential (providers that can list them)")
    public Uni<List<String>> models(@PathParam("id") String id) {
        CredentialPools.Member member = pools.member(id).orElseThrow(() -> GatewayError.of(ErrorKind.NOT_FOUND,
                "Credential " + bounded(id) + " is not an enabled member of a pool."));
        if (!(member.provider() instanceof ModelsCapable lister)) {
            throw GatewayError.of(ErrorKind.UNSUPPORTED, "Provider '" + member.provider().id()
                    + "' cannot list its upstream's models.");
        }
        return lister.models();
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed("admin")
    @Operation(operationId = "updateCredential", summary = "Change a credential's label or status (enabled, disabled)")
    public Uni<CredentialView> update(@PathParam("id") String id, UpdateCredential body) {
        UUID key = stored(id);
        if (body == null || body.label() == null && body.status() == null) {
            throw GatewayError.invalid("label", "Nothing to change: give 'label' and/or 'status'.");
        }
        String label = body.label() == null ? null : required(body.label(), "label", MAX_LABEL);
        CredentialStatus status = null;
        if (body.status() != null) {
            status = CredentialStatus.of(body.status());
            if (status != CredentialStatus.ENABLED && status != CredentialStatus.DISABLED) {
                throw GatewayError.invalid("status", "Unknown status '" + bounded(body.status())
                        + "'; use enabled or disabled.");
            }
        }
        CredentialStatus newStatus = status;
        return audited(key, "update", () -> changed(store.update(key, label, newStatus), id));
    }

    @POST
    @Path("/{id}/disable")
    @RolesAllowed("admin")
    @Operation(operationId = "disableCredential", summary = "Take a credential out of its pool (it stays stored)")
    public Uni<CredentialView> disable(@PathParam("id") String id) {
        UUID key = stored(id);
        return audited(key, "disable", () -> changed(store.update(key, null, CredentialStatus.DISABLED), id));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed("admin")
    @Operation(operationId = "deleteCredential", summary = "Delete a credential and its sealed secret")
    public Uni<RestResponse<Void>> delete(@PathParam("id") String id) {
        UUID key = stored(id);
        Actor actor = auditor.actor();
        return store.find(key).chain(before -> store.delete(key).call(deleted -> changed()).call(deleted -> deleted
                ? audit.append(actor, AuditEntry.of("credential", key, "delete", null,
                        before == null ? null : view(before), null))
                : Uni.createFrom().voidItem())).map(deleted -> {
                    if (!deleted) {
                        throw notFound(id);
                    }
                    return RestResponse.noContent();
                });
    }

    @POST
    @Path("/rewrap")
    @RolesAllowed("admin")
    @Operation(operationId = "rewrapCredentials", summary = "Re-wrap every credential's data key under the active key-encryption key (KEK rotation)")
    public Uni<Rewrapped> rewrap() {
        if (!pools.keys().configured()) {
            throw GatewayError.of(ErrorKind.CONFLICT, "No key-encryption key is configured.");
        }
        Actor actor = auditor.actor();
        return pools.rewrap().call(n -> changed())
                .map(n -> new Rewrapped(n, pools.keys().activeId().orElseThrow()))
                .call(r -> audit.append(actor, AuditEntry.of("credentials", "*", "rewrap", null, null, r)));
    }

    /** Imported OAuth tokens: due for refresh at once when no access token is given, else before they expire. */
    private Uni<StoredCredential> oauth(UUID id, String provider, String label, Map<String, String> headers,
            OAuthTokens oauth) {
        secret("oauth.refreshToken", oauth.refreshToken());
        String tokenUrl = required(oauth.tokenUrl(), "oauth.tokenUrl", 2000);
        if (!tokenUrl.startsWith("https://") && !tokenUrl.startsWith("http://")) {
            throw GatewayError.invalid("oauth.tokenUrl", "'oauth.tokenUrl' must be an http(s) URL.");
        }
        Map<String, String> grant = new TreeMap<>();
        grant.put(OAuthRefreshTokens.REFRESH_TOKEN, oauth.refreshToken());
        grant.put(OAuthRefreshTokens.TOKEN_URL, tokenUrl);
        if (oauth.clientId() != null) {
            grant.put(OAuthRefreshTokens.CLIENT_ID, required(oauth.clientId(), "oauth.clientId", 500));
        }
        if (oauth.clientSecret() != null) {
            grant.put(OAuthRefreshTokens.CLIENT_SECRET, secret("oauth.clientSecret", oauth.clientSecret()));
        }
        OffsetDateTime now = OffsetDateTime.now(java.time.ZoneOffset.UTC);
        OffsetDateTime expiresAt = oauth.accessToken() == null
                ? now
                : oauth.expiresAt() != null ? oauth.expiresAt() : now.plusHours(1);
        if (oauth.accessToken() != null) {
            secret("oauth.accessToken", oauth.accessToken());
        }
        Secret secret = new Secret(oauth.accessToken(), headers, OAuthRefreshTokens.ID, grant, null,
                Fingerprints.newIdentity());
        TokenKind.FreshToken issued = new TokenKind.FreshToken(oauth.accessToken(), expiresAt.toInstant(), null, null,
                Map.of());
        OffsetDateTime refreshAt = oauth.accessToken() == null
                ? now
                : OffsetDateTime.ofInstant(refresher.refreshAt(issued, now.toInstant()), java.time.ZoneOffset.UTC);
        return store.insert(id, provider, label, CredentialKind.OAUTH, pools.keys().seal(id, provider,
                secret.encode()), expiresAt, refreshAt);
    }

    /** A secret field: present, bounded, without control characters. */
    private static String secret(String param, String value) {
        if (value == null || value.isBlank()) {
            throw GatewayError.invalid(param, "Missing required field: '" + param + "'.");
        }
        if (value.length() > MAX_SECRET || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw GatewayError.invalid(param, "'" + param + "' is at most " + MAX_SECRET
                    + " characters without control characters.");
        }
        return value;
    }

    /** A change of one stored credential, audited with its view before and after (metadata only, never the secret). */
    private Uni<CredentialView> audited(UUID key, String action, java.util.function.Supplier<Uni<CredentialView>> change) {
        Actor actor = auditor.actor();
        return store.find(key).chain(before -> change.get().call(after -> audit.append(actor,
                AuditEntry.of("credential", key, action, null, before == null ? null : view(before), after))));
    }

    private Uni<CredentialView> changed(Uni<StoredCredential> update, String id) {
        return update.call(row -> changed()).map(row -> {
            if (row == null) {
                throw notFound(id);
            }
            return view(row);
        });
    }

    private CredentialView view(StoredCredential r) {
        return new CredentialView(r.id().toString(), r.provider(), r.label(), r.kind().id(), r.status().id(),
                r.expiresAt(), r.lastError(), r.createdAt(), r.updatedAt(), false, r.sealed().kekId(),
                pools.usesOf(r.id().toString()), r.refreshAt(), r.lastRefreshAt());
    }

    private List<CredentialView> configured(String provider) {
        List<CredentialView> out = new ArrayList<>();
        registry.all().forEach(p -> {
            if ((provider == null || provider.equals(p.id())) && registry.hasConfiguredKey(p.id())) {
                String id = CredentialPools.configMemberId(p.id());
                out.add(new CredentialView(id, p.id(), "configuration", CredentialKind.API_KEY.id(),
                        CredentialStatus.ENABLED.id(), null, null, null, null, true, null, pools.usesOf(id), null,
                        null));
            }
        });
        return out;
    }

    private static Map<String, String> headers(Map<String, String> headers) {
        if (headers == null) {
            return Map.of();
        }
        if (headers.size() > MAX_HEADERS) {
            throw GatewayError.invalid("headers", "At most " + MAX_HEADERS + " extra headers.");
        }
        Map<String, String> out = new TreeMap<>();
        headers.forEach((name, value) -> {
            if (name == null || !HEADER_NAME.matcher(name).matches()) {
                throw GatewayError.invalid("headers", "Invalid header name '" + bounded(name) + "'.");
            }
            if (value == null || value.length() > MAX_SECRET || value.chars().anyMatch(c -> c < 0x20 && c != '\t'
                    || c == 0x7f)) {
                throw GatewayError.invalid("headers", "The value of header '" + name
                        + "' is missing, too long or holds control characters.");
            }
            out.put(name, value);
        });
        return out;
    }

    /** The id of a stored credential; a configured key cannot be changed here. */
    private static UUID stored(String id) {
        if (id.startsWith("config:")) {
            throw GatewayError.of(ErrorKind.CONFLICT, "Credential " + bounded(id) + " is the provider's configured "
                    + "api-key and is read-only; change it in the configuration.");
        }
        return uuid(id);
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
    }

    private static GatewayError notFound(String id) {
        return GatewayError.of(ErrorKind.NOT_FOUND, "Credential " + bounded(id) + " not found.");
    }

    private static String required(String value, String param, int max) {
        if (value == null || value.isBlank()) {
            throw GatewayError.invalid(param, "Missing required field: '" + param + "'.");
        }
        if (value.length() > max) {
            throw GatewayError.invalid(param, "'" + param + "' is at most " + max + " characters.");
        }
        return value.trim();
    }

    private static String bounded(String s) {
        return s == null ? "null" : s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private List<String> providerIds() {
        List<String> ids = new ArrayList<>();
        registry.all().forEach(p -> ids.add(p.id()));
        return ids.stream().sorted().toList();
    }
}
