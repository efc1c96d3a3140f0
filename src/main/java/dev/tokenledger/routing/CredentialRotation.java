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
        List<CredentialPools.Member> members = pools.members(target.provider());
        Instant now = Instant.now();
        List<UUID> expired = new ArrayList<>();
        for (CredentialPools.Member m : members) {
            if (m.refreshDueAt(now)) {
                refresher.refreshSoon(UUID.fromString(m.credentialId()));
            }
            if (m.expiredAt(now)) {
                expired.add(UUID.fromString(m.credentialId()));
            }
        }
        if (!expired.isEmpty()) {
            List<CredentialPools.Member> live = members.stream().filter(m -> !m.expiredAt(now)).toList();
            if (live.isEmpty()) {
                // no member can serve: this request waits for the refresh (the only case where one does)
                return refresher.awaitAny(expired).flatMap(ignored -> {
                    List<CredentialPools.Member> fresh = pools.members(target.provider());
                    Instant then = Instant.now();
                    List<CredentialPools.Member> usable = fresh.stream().filter(m -> !m.expiredAt(then)).toList();
                    return rotate(usable.isEmpty() ? fresh : usable, target, attempt);
                });
            }
            members = live;
        }
        return rotate(members, target, attempt);
    }

    private <T> Uni<T> rotate(List<CredentialPools.Member> members, Target target, Function<Target, Uni<T>> attempt) {
        if (members.size() == 1) {
            CredentialPools.Member only = members.get(0);
            pools.used(only);
            return attempt.apply(target.servedBy(only.provider(), only.credentialId()))
                    .onFailure(failure -> FailureClass.of(failure) == FailureClass.AUTH && only.refreshable())
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
                        return Uni.createFrom().failure(failure); // no new token: nothing to retry with
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
