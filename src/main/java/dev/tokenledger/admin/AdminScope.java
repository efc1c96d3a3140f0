package dev.tokenledger.admin;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.audit.AuditedChange;
import dev.tokenledger.audit.Auditor;
import dev.tokenledger.config.GatewayConfig;

/**
 * The caller of the admin API: what it may see, and the audit of the changes it makes. {@code admin} and
 * {@code finance} see every team; a {@code viewer} sees only the teams listed in its token's team claim
 * ({@code tokenledger.admin.team-claim}).
 */
@RequestScoped
public class AdminScope {

    public static final String ADMIN = "admin";
    public static final String FINANCE = "finance";
    public static final String VIEWER = "viewer";

    private final SecurityIdentity identity;
    private final GatewayConfig config;
    private final Auditor auditor;

    @Inject
    public AdminScope(SecurityIdentity identity, GatewayConfig config, Auditor auditor) {
        this.identity = identity;
        this.config = config;
        this.auditor = auditor;
    }

    /** Whether every team is visible. */
    public boolean allTeams() {
        return identity.hasRole(ADMIN) || identity.hasRole(FINANCE);
    }

    /** The visible teams, when not all. */
    public Set<UUID> teams() {
        Set<UUID> teams = new HashSet<>();
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            Object claim = jwt.getClaim(config.admin().teamClaim());
            if (claim instanceof Iterable<?> values) {
                values.forEach(v -> parse(String.valueOf(v).replace("\"", ""), teams));
            } else if (claim != null) {
                for (String v : String.valueOf(claim).split("[,\\s]+")) {
                    parse(v, teams);
                }
            }
        }
        return teams;
    }

    /**
     * A list kept per team as far as the caller may see it: {@code all} for a caller who sees every team, nothing for
     * one who sees none, else {@code ofTeams} of the teams it sees.
     */
    public <T> Uni<List<T>> visible(Supplier<Uni<List<T>>> all, Function<List<UUID>, Uni<List<T>>> ofTeams) {
        if (allTeams()) {
            return all.get();
        }
        Set<UUID> teams = teams();
        return teams.isEmpty() ? Uni.createFrom().item(List.of()) : ofTeams.apply(List.copyOf(teams));
    }

    public boolean canSee(UUID teamId) {
        return allTeams() || teamId != null && teams().contains(teamId);
    }

    /** The audit of a change the caller is about to make: start it on the request's thread, before the change. */
    public AuditedChange change() {
        return auditor.change();
    }

    public String actor() {
        return identity.getPrincipal() == null ? "unknown" : identity.getPrincipal().getName();
    }

    private static void parse(String value, Set<UUID> into) {
        try {
            into.add(UUID.fromString(value.trim()));
        } catch (IllegalArgumentException e) {
            // not a team id: ignored
        }
    }
}
