package dev.tokenledger.credentials;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

import dev.tokenledger.coherence.Change;
import dev.tokenledger.coherence.StartupReads;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.provider.HttpProvider;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderRegistry;

/**
 * The account pool of every provider: its configured key, if any (member {@code config:<provider>}), plus every
 * enabled stored credential for it, each as a provider instance that authenticates with that credential. Stored
 * credentials are decrypted once when read; the pools are re-read periodically and on {@link #credentialsChanged()},
 * so new credentials serve without restart. At start-up a row that does not unwrap with the configured keys fails the
 * start, naming the key id (never the key); rows under an older key are re-wrapped under the active one.
 */
@ApplicationScoped
public class CredentialPools {

    /** The member id of a provider's configured key. */
    public static String configMemberId(String providerId) {
        return "config:" + providerId;
    }

    /**
     * One pool member.
     *
     * @param credentialId a stored credential's id, {@code config:<provider>} for the configured key, or null for a
     *        provider that has no credentials at all (e.g. a local server)
     * @param provider the provider instance that sends this credential
     */
    public record Member(String credentialId, Provider provider, java.time.Instant expiresAt,
            java.time.Instant refreshAt, long version) {

        /** A member whose key does not expire. */
        public Member(String credentialId, Provider provider) {
            this(credentialId, provider, null, null, 0);
        }

        /** Whether its access token is refreshed (a stored credential with a token kind). */
        public boolean refreshable() {
            return refreshAt != null;
        }

        /** Whether its access token has expired: it cannot serve until refreshed. */
        public boolean expiredAt(java.time.Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }

        /** Whether its access token is due for refresh. */
        public boolean refreshDueAt(java.time.Instant now) {
            return refreshAt != null && !now.isBefore(refreshAt);
        }
    }

    /** How a pool orders its usable members. */
    public enum Strategy {
        ROUND_ROBIN("round-robin"), FILL_FIRST("fill-first"), LEAST_USED("least-used");

        final String id;

        Strategy(String id) {
            this.id = id;
        }

        static Strategy of(String id) {
            for (Strategy s : values()) {
                if (s.id.equals(id)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** A decrypted stored credential with its provider instance, kept until the row changes. */
    private record Loaded(StoredCredential row, Member member) {
    }

    private final ProviderRegistry registry;
    private final CredentialStore store;
    private final KeyEncryption keys;
    private final GatewayConfig.Credentials settings;
    private final Vertx vertx;
    private final Fingerprints fingerprints;
    private final Map<String, Strategy> strategies = new HashMap<>();
    private final Map<UUID, Loaded> loaded = new ConcurrentHashMap<>();
    private volatile Map<String, List<Member>> pools = Map.of();
    private final Map<String, AtomicLong> cursors = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> used = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong();
    private long applied;
    private volatile long timer = -1;

    @Inject
    public CredentialPools(GatewayConfig config, ProviderRegistry registry, CredentialStore store, Vertx vertx,
            Fingerprints fingerprints) {
        this.registry = registry;
        this.fingerprints = fingerprints;
        this.store = store;
        this.vertx = vertx;
        this.settings = config.credentials();
        this.keys = KeyEncryption.from(config.credentials());
        config.providers().forEach((id, p) -> {
            Strategy s = Strategy.of(p.poolStrategy());
            if (s == null) {
                throw new IllegalStateException("tokenledger.providers." + id + ".pool-strategy: unknown strategy '"
                        + p.poolStrategy() + "'; valid strategies: [round-robin, fill-first, least-used]");
            }
            strategies.put(id, s);
        });
    }

    void start(@Observes StartupEvent event, StartupReads startupReads) {
        Uni<Void> read = load(true).chain(() -> settings.rewrapAtStart() && keys.configured()
                ? rewrap().replaceWithVoid()
                : Uni.createFrom().voidItem());
        startupReads.start("the stored upstream credentials", read
                .onFailure(e -> !(e instanceof KeyEncryption.UnwrapException)).recoverWithUni(e -> {
                    // PostgreSQL away or the schema not migrated yet (readiness says so): serve with the configured
                    // keys and read the stored ones at the next reload
                    Log.warnf("Stored upstream credentials could not be read at start (%s); retrying every %s",
                            e.toString(), settings.reloadInterval());
                    return Uni.createFrom().voidItem();
                })
                .onFailure(KeyEncryption.UnwrapException.class).transform(e -> new IllegalStateException(
                        "Stored upstream credentials cannot be decrypted: " + e.getMessage() + ". Configure the "
                                + "key-encryption key the rows were stored with (tokenledger.credentials.keks.<id>).")));
        timer = vertx.setPeriodic(settings.reloadInterval().toMillis(),
                id -> credentialsChanged().subscribe().with(ignored -> {
                }));
    }

    /** Credentials changed through another replica (or its announcements may have been missed). */
    void onChange(@Observes Change change) {
        if (change.kind() == Change.Kind.CREDENTIALS || change.kind() == Change.Kind.ALL) {
            credentialsChanged().subscribe().with(ignored -> {
            });
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** The key encryption of stored credentials. */
    public KeyEncryption keys() {
        return keys;
    }

    /**
     * Re-reads the stored credentials now: called periodically and whenever credentials change (by this replica's
     * admin API, or by a change notice from another replica). A row that cannot be decrypted is left out and logged.
     */
    public Uni<Void> credentialsChanged() {
        return load(false).onFailure().invoke(failure -> Log.warnf("Stored credentials could not be re-read: %s",
                failure.toString())).onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> load(boolean strict) {
        long generation = generations.incrementAndGet();
        return store.all().map(rows -> {
            synchronized (this) {
                // a later read that was applied first wins: its rows are newer
                if (generation > applied) {
                    applied = generation;
                    apply(rows, strict);
                }
            }
            return null;
        });
    }

    private void apply(List<StoredCredential> rows, boolean strict) {
        Map<String, List<Member>> next = new LinkedHashMap<>();
        Set<UUID> seen = new java.util.HashSet<>();
        for (StoredCredential row : rows) {
            seen.add(row.id());
            Loaded current = loaded.get(row.id());
            if (current == null || !current.row().updatedAt().equals(row.updatedAt())
                    || !current.row().status().equals(row.status())) {
                current = open(row, strict);
                if (current == null) {
                    continue;
                }
                close(loaded.put(row.id(), current));
            }
            if (row.status() == CredentialStatus.ENABLED && current.member() != null) {
                next.computeIfAbsent(row.provider(), p -> new ArrayList<>()).add(current.member());
            }
        }
        loaded.keySet().removeIf(id -> {
            if (!seen.contains(id)) {
                close(loaded.get(id));
                return true;
            }
            return false;
        });
        next.replaceAll((p, members) -> List.copyOf(members));
        pools = Map.copyOf(next);
        Log.debugf("Credential pools: %s", next.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().size()).toList());
    }

    private Loaded open(StoredCredential row, boolean strict) {
        if (registry.find(row.provider()).isEmpty()) {
            Log.warnf("Stored credential %s names the provider '%s', which is not configured: it serves nothing",
                    row.id(), row.provider());
            return new Loaded(row, null);
        }
        Secret secret;
        try {
            secret = Secret.decode(keys.open(row.id(), row.provider(), row.sealed()));
        } catch (KeyEncryption.UnwrapException e) {
            if (strict) {
                throw e;
            }
            Log.warnf("Stored credential left out of its pool: %s", e.getMessage());
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>(fingerprints.headers(row.provider(), secret.identity()));
        headers.putAll(secret.headers());
        Provider provider = registry.withCredentials(row.provider(), secret.apiKey(), headers,
                java.util.Optional.ofNullable(secret.endpoint()), secret.options()).orElseThrow();
        return new Loaded(row, new Member(row.id().toString(), provider,
                row.expiresAt() == null ? null : row.expiresAt().toInstant(),
                row.refreshAt() == null ? null : row.refreshAt().toInstant(), row.version()));
    }

    /** Releases a replaced member's connections once the requests it may still serve are over. */
    private void close(Loaded old) {
        if (old != null && old.member() != null && old.member().provider() instanceof HttpProvider http) {
            vertx.setTimer(CLOSE_AFTER_MS, id -> http.close());
        }
    }

    /** How long a replaced member's connection pool stays open for the requests it still serves. */
    private static final long CLOSE_AFTER_MS = 120_000;

    /** The enabled stored credentials whose token is refreshed, as last read. */
    public List<StoredCredential> refreshable() {
        List<StoredCredential> out = new ArrayList<>();
        loaded.values().forEach(l -> {
            if (l.row().status() == CredentialStatus.ENABLED && l.row().refreshAt() != null && l.member() != null) {
                out.add(l.row());
            }
        });
        return out;
    }

    /** Every row wrapped by another key than the active one, re-wrapped under the active key: how many were. */
    public Uni<Integer> rewrap() {
        String active = keys.activeId().orElseThrow(
                () -> new IllegalStateException("No key-encryption key is configured (tokenledger.credentials.kek)"));
        return store.all().flatMap(rows -> {
            List<Uni<Boolean>> changes = new ArrayList<>();
            for (StoredCredential row : rows) {
                if (!row.sealed().kekId().equals(active)) {
                    KeyEncryption.Sealed next = keys.rewrap(row.id(), row.provider(), row.sealed());
                    changes.add(store.rewrap(row.id(), row.sealed().kekId(), next));
                }
            }
            if (changes.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return Uni.join().all(changes).andFailFast().map(done -> (int) done.stream().filter(b -> b).count());
        }).invoke(n -> {
            if (n > 0) {
                Log.infof("Re-wrapped %d stored credentials under the key-encryption key '%s'", n, active);
            }
        });
    }

    /** The secret as stored (JSON). */
    static byte[] encode(Secret secret) {
        return secret.encode();
    }

    /**
     * The members of a provider's pool: its configured key (if any) first, then its enabled stored credentials. A
     * provider without stored credentials is a pool of one: itself.
     */
    public List<Member> members(Provider provider) {
        List<Member> stored = pools.getOrDefault(provider.id(), List.of());
        boolean configured = registry.hasConfiguredKey(provider.id());
        Member own = new Member(configured ? configMemberId(provider.id()) : null, provider);
        if (stored.isEmpty()) {
            return List.of(own);
        }
        List<Member> all = new ArrayList<>(stored.size() + 1);
        if (configured) {
            all.add(own);
        }
        all.addAll(stored);
        return all;
    }

    /** The pool member of a credential id (a stored credential's, or {@code config:<provider>}), if it is one. */
    public java.util.Optional<Member> member(String credentialId) {
        if (credentialId.startsWith("config:")) {
            return registry.find(credentialId.substring("config:".length()))
                    .filter(p -> registry.hasConfiguredKey(p.id())).map(p -> new Member(credentialId, p));
        }
        return pools.values().stream().flatMap(List::stream).filter(m -> credentialId.equals(m.credentialId()))
                .findFirst();
    }

    /** The usable members of a provider's pool in the order its strategy tries them. */
    public List<Member> order(String providerId, List<Member> usable) {
        if (usable.size() < 2) {
            return usable;
        }
        return switch (strategies.getOrDefault(providerId, Strategy.ROUND_ROBIN)) {
            case FILL_FIRST -> usable;
            case LEAST_USED -> usable.stream().sorted(Comparator.comparingLong(m -> uses(m.credentialId()))).toList();
            case ROUND_ROBIN -> {
                int start = (int) Math.floorMod(cursors.computeIfAbsent(providerId, p -> new AtomicLong())
                        .getAndIncrement(), (long) usable.size());
                List<Member> out = new ArrayList<>(usable.subList(start, usable.size()));
                out.addAll(usable.subList(0, start));
                yield out;
            }
        };
    }

    /** Counts a request sent with a member (what {@code least-used} compares). */
    public void used(Member member) {
        if (member.credentialId() != null) {
            used.computeIfAbsent(member.credentialId(), id -> new AtomicLong()).incrementAndGet();
        }
    }

    private long uses(String credentialId) {
        AtomicLong n = credentialId == null ? null : used.get(credentialId);
        return n == null ? 0 : n.get();
    }

    /** Requests sent with a credential by this replica since it started. */
    public long usesOf(String credentialId) {
        return uses(credentialId);
    }

    /** Remembers, on a stored credential's row, the (already redacted) error an upstream answered it with. */
    public Uni<Void> failed(Member member, String error) {
        if (member.credentialId() == null || member.credentialId().startsWith("config:")) {
            return Uni.createFrom().voidItem();
        }
        return store.lastError(UUID.fromString(member.credentialId()), error).onFailure().recoverWithNull();
    }

}
