package dev.tokenledger.routing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.credentials.CredentialPools;
import dev.tokenledger.credentials.TokenRefresher;
import dev.tokenledger.provider.Redactor;

/**
 * Sends one attempt on a deployment with the credentials of its provider's pool: usable members in the pool's order,
 * members that are cooling down last. A 401, 403 or 429 cools the credential down (a 429 until the reset the upstream
 * named, within {@code rate-limited-max}), shared by every replica through Redis like deployment cooldowns, and the
 * attempt moves to the next credential; only when the pool has none left does the failure reach the deployment's
 * failover.
 */
@ApplicationScoped
public class CredentialRotation {

    /** What {@link #ready} answers when the pool can serve at once. */
    public static final Uni<Void> READY = Uni.createFrom().voidItem();

    /** Cooldown ids of credentials, apart from deployment ids ({@code <provider>/<model>}). */
    static final String COOLDOWN_PREFIX = "credential:";

    private final CredentialPools pools;
    private final Cooldowns cooldowns;
    private final TokenRefresher refresher;

    @Inject
    public CredentialRotation(CredentialPools pools, Cooldowns cooldowns, TokenRefresher refresher) {
        this.pools = pools;
        this.cooldowns = cooldowns;
        this.refresher = refresher;
    }

    /** The cooldown id of a pool member. */
    public static String cooldownId(String credentialId) {
        return COOLDOWN_PREFIX + credentialId;
    }

    /** Calls {@code attempt} with the deployment served by one credential after another until one answers. */
    public <T> Uni<T> call(Target target, Function<Target, Uni<T>> attempt) {
        return ready(target).flatMap(ignored -> send(target, attempt));
    }

    /**
     * Completes when the provider's pool has a member that can serve: at once, unless every member's token has
     * expired; then once their refresh is over (single-flight across replicas; another replica's refresh is waited for
     * while its lock is held, never past the longest a live refresh can take). Routing waits here, before a
     * deployment's attempt and its timeout start: a refresh in flight is not the deployment's failure.
     */
    public Uni<Void> ready(Target target) {
        Instant now = null;
        List<UUID> expired = null;
        boolean live = false;
        for (CredentialPools.Member m : pools.members(target.provider())) {
            if (m.expiresAt() == null && m.refreshAt() == null) {
                live = true; // a key that neither expires nor is refreshed (most pools): nothing to look at
                continue;
            }
            if (now == null) {
                now = Instant.now();
            }
            if (m.refreshDueAt(now)) {
                refresher.refreshSoon(UUID.fromString(m.credentialId()));
            }
            if (m.expiredAt(now)) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(UUID.fromString(m.credentialId()));
            } else {
                live = true;
            }
        }
        // no member can serve: this request waits for the refresh (the only case where one does)
        return live || expired == null ? READY : refresher.awaitAny(expired);
    }

    /**
     * Sends {@code attempt} with one member after another, without waiting for a refresh: members whose token
     * expired are left out while another can serve (when none can, they are tried, and a refused expired token is
     * {@link FailureClass#REFRESHING}, never the deployment's fault).
     */
    public <T> Uni<T> send(Target target, Function<Target, Uni<T>> attempt) {
        List<CredentialPools.Member> members = pools.members(target.provider());
        if (members.size() == 1) {
            return rotate(members, target, attempt); // its only member, expired or not
        }
        Instant now = Instant.now();
        List<CredentialPools.Member> live = members.stream().filter(m -> !m.expiredAt(now)).toList();
        return rotate(live.isEmpty() ? members : live, target, attempt);
    }

    private <T> Uni<T> rotate(List<CredentialPools.Member> members, Target target, Function<Target, Uni<T>> attempt) {
        if (members.size() == 1) {
            CredentialPools.Member only = members.get(0);
            pools.used(only);
            Uni<T> sent = attempt.apply(target.servedBy(only.provider(), only.credentialId()));
            if (!only.refreshable()) {
                return sent; // a refusal of a key that is not refreshed goes to the deployment's failover as it is
            }
            return sent.onFailure(failure -> FailureClass.of(failure) == FailureClass.AUTH)
                    .recoverWithUni(failure -> refreshedOnce(only, target, attempt, failure));
        }
        List<String> ids = members.stream().map(m -> cooldownId(m.credentialId())).toList();
        return cooldowns.active(ids).flatMap(cooling -> {
            List<CredentialPools.Member> order = new ArrayList<>(pools.order(target.provider().id(),
                    members.stream().filter(m -> !cooling.containsKey(cooldownId(m.credentialId()))).toList()));
            members.stream().filter(m -> cooling.containsKey(cooldownId(m.credentialId())))
                    .sorted(Comparator.comparing(m -> cooling.get(cooldownId(m.credentialId())).until()))
                    .forEach(order::add);
            return from(order, 0, target, attempt);
        });
    }

    private <T> Uni<T> from(List<CredentialPools.Member> order, int index, Target target,
            Function<Target, Uni<T>> attempt) {
        CredentialPools.Member member = order.get(index);
        return Uni.createFrom().deferred(() -> {
            pools.used(member);
            return attempt.apply(target.servedBy(member.provider(), member.credentialId()));
        }).onFailure(failure -> FailureClass.of(failure) == FailureClass.AUTH && member.refreshable())
                .recoverWithUni(failure -> refreshedOnce(member, target, attempt, failure))
                .onFailure().recoverWithUni(failure -> {
                    FailureClass kind = FailureClass.of(failure);
                    if (kind == FailureClass.REFRESHING && index + 1 < order.size()) {
                        return from(order, index + 1, target, attempt); // its token is on its way: not its fault
                    }
                    if (kind != FailureClass.AUTH && kind != FailureClass.RATE_LIMITED) {
                        return Uni.createFrom().failure(failure);
                    }
                    GatewayError error = (GatewayError) failure;
                    Uni<?> rested = cooldowns.coolDown(cooldownId(member.credentialId()), kind, error.retryAfter())
                            .onFailure().recoverWithNull()
                            .call(() -> pools.failed(member, new Redactor(null).redact(error.getMessage())));
                    return rested.flatMap(ignored -> index + 1 < order.size()
                            ? from(order, index + 1, target, attempt)
                            : Uni.createFrom().failure(failure));
                });
    }

    /**
     * A refreshed token's second chance: the upstream refused a member whose token is refreshed (401/403), so its
     * token is refreshed once (single-flight across requests and replicas) and the attempt is sent once more with the
     * new token. A second refusal goes on as any refusal does (cooldown, next member).
     */
    private <T> Uni<T> refreshedOnce(CredentialPools.Member member, Target target, Function<Target, Uni<T>> attempt,
            Throwable failure) {
        UUID id = UUID.fromString(member.credentialId());
        return refresher.refreshRejected(id, member.version()).onFailure().recoverWithNull()
                .flatMap(ignored -> {
                    CredentialPools.Member fresh = pools.member(member.credentialId()).orElse(null);
                    if (fresh == null || fresh.version() == member.version()) {
                        // no new token: nothing to retry with; a refused token that had expired is not a refusal
                        return Uni.createFrom().failure(member.expiredAt(Instant.now())
                                ? FailureClass.refreshing()
                                : failure);
                    }
                    pools.used(fresh);
                    return attempt.apply(target.servedBy(fresh.provider(), fresh.credentialId()));
                });
    }

    /** Whether a credential is cooling down right now (admin views). */
    public Uni<Map<String, Cooldowns.Cooldown>> cooling(List<String> credentialIds) {
        return cooldowns.active(credentialIds.stream().map(CredentialRotation::cooldownId).toList());
    }
}
