package dev.tokenledger.credentials;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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

import dev.tokenledger.audit.AuditEntry;
import dev.tokenledger.audit.AuditedChange;
import dev.tokenledger.audit.Auditor;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.coherence.Change;
import dev.tokenledger.coherence.Changes;
import dev.tokenledger.provider.ModelsCapable;
import dev.tokenledger.provider.ProviderRegistry;

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

    private final CredentialStore store;
    private final CredentialPools pools;
    private final ProviderRegistry registry;
    private final Changes changes;
    private final CredentialImports imports;
    private final Auditor auditor;

    @Inject
    public CredentialsResource(CredentialStore store, CredentialPools pools, ProviderRegistry registry,
            Changes changes, CredentialImports imports, Auditor auditor) {
        this.imports = imports;
        this.auditor = auditor;
        this.store = store;
        this.pools = pools;
        this.registry = registry;
        this.changes = changes;
    }

    /** Applies a stored change here at once and announces it to the other replicas. */
    private Uni<Void> changed() {
        return pools.credentialsChanged().call(() -> changes.announce(Change.of(Change.Kind.CREDENTIALS)));
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
    public Uni<RestResponse<CredentialView>> create(CredentialImports.CreateCredential body) {
        if (body == null) {
            throw GatewayError.invalid("provider", "Missing request body.");
        }
        String provider = CredentialInput.required(body.provider(), "provider", 100);
        if (registry.find(provider).isEmpty()) {
            throw GatewayError.invalid("provider", "Unknown provider '" + provider + "'; configured providers: "
                    + providerIds() + ".");
        }
        String label = CredentialInput.required(body.label(), "label", CredentialInput.MAX_LABEL);
        CredentialImports.check(body);
        String type = registry.find(provider).orElseThrow().type();
        if (body.aws() != null && !CredentialImports.AWS_TYPE.equals(type)) {
            throw GatewayError.invalid("aws", "'aws' keys sign requests of providers of type "
                    + CredentialImports.AWS_TYPE + "; provider '" + provider + "' is of type " + type + ".");
        }
        if (!pools.keys().configured()) {
            throw GatewayError.of(ErrorKind.CONFLICT, "Credentials cannot be stored: no key-encryption key is "
                    + "configured (tokenledger.credentials.kek or tokenledger.credentials.keks with active-kek).");
        }
        Uni<StoredCredential> insert = Uni.createFrom().deferred(() -> imports.store(provider, label, body));
        AuditedChange audit = auditor.change();
        return insert
                .call(row -> changed())
                .call(row -> audit.append(AuditEntry.of("credential", row.id(), "create", null, null, view(row))))
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
                "Credential " + CredentialInput.bounded(id) + " is not an enabled member of a pool."));
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
        String label = body.label() == null ? null : CredentialInput.required(body.label(), "label", CredentialInput.MAX_LABEL);
        CredentialStatus status = null;
        if (body.status() != null) {
            status = CredentialStatus.of(body.status());
            if (status != CredentialStatus.ENABLED && status != CredentialStatus.DISABLED) {
                throw GatewayError.invalid("status", "Unknown status '" + CredentialInput.bounded(body.status())
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
        AuditedChange audit = auditor.change();
        return store.find(key).chain(before -> store.delete(key).call(deleted -> changed()).call(deleted -> deleted
                ? audit.append(AuditEntry.of("credential", key, "delete", null,
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
        AuditedChange audit = auditor.change();
        return pools.rewrap().call(n -> changed())
                .map(n -> new Rewrapped(n, pools.keys().activeId().orElseThrow()))
                .call(r -> audit.append(AuditEntry.of("credentials", "*", "rewrap", null, null, r)));
    }

    /** A change of one stored credential, audited with its view before and after (metadata only, never the secret). */
    private Uni<CredentialView> audited(UUID key, String action, java.util.function.Supplier<Uni<CredentialView>> change) {
        AuditedChange audit = auditor.change();
        return store.find(key).chain(before -> change.get().call(after -> audit
                .append(AuditEntry.of("credential", key, action, null, before == null ? null : view(before), after))));
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

    /** The id of a stored credential; a configured key cannot be changed here. */
    private static UUID stored(String id) {
        if (id.startsWith("config:")) {
            throw GatewayError.of(ErrorKind.CONFLICT,
                    "Credential " + CredentialInput.bounded(id) + " is the provider's configured "
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
        return GatewayError.of(ErrorKind.NOT_FOUND, "Credential " + CredentialInput.bounded(id) + " not found.");
    }

    private List<String> providerIds() {
        List<String> ids = new ArrayList<>();
        registry.all().forEach(p -> ids.add(p.id()));
        return ids.stream().sorted().toList();
    }
}
