package dev.tokenledger.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.provider.ModelsCapable;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderRegistry;

/**
 * The models each upstream that can list them ({@link ModelsCapable}, e.g. GitHub Copilot) offers, asked with a usable
 * member of the provider's pool and kept for {@link #TTL}. Bounded: one entry per configured provider, at most
 * {@link #MAX_MODELS} ids each, ids longer than {@link #MAX_ID} left out. A failed listing keeps the last good one.
 */
@ApplicationScoped
public class UpstreamModels {

    static final Duration TTL = Duration.ofMinutes(5);
    static final Duration WAIT = Duration.ofSeconds(5);
    static final int MAX_MODELS = 1000;
    static final int MAX_ID = 200;

    private record Listed(List<String> ids, Instant at) {
    }

    private final ProviderRegistry registry;
    private final CredentialPools pools;
    private final Map<String, Listed> cache = new ConcurrentHashMap<>();

    @Inject
    public UpstreamModels(ProviderRegistry registry, CredentialPools pools) {
        this.registry = registry;
        this.pools = pools;
    }

    /** Upstream model ids by provider id, for every configured provider whose upstream lists them. */
    public Uni<Map<String, List<String>>> byProvider() {
        List<Uni<Map.Entry<String, List<String>>>> lists = new ArrayList<>();
        for (Provider provider : registry.all()) {
            ModelsCapable lister = lister(provider);
            if (lister != null) {
                lists.add(listed(provider.id(), lister).map(ids -> Map.entry(provider.id(), ids)));
            }
        }
        if (lists.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Uni.join().all(lists).andFailFast().map(entries -> {
            Map<String, List<String>> out = new LinkedHashMap<>();
            entries.forEach(e -> out.put(e.getKey(), e.getValue()));
            return out;
        });
    }

    /** The provider instance of the first pool member that can list models and whose token has not expired. */
    private ModelsCapable lister(Provider provider) {
        Instant now = Instant.now();
        for (CredentialPools.Member m : pools.members(provider)) {
            if (m.provider() instanceof ModelsCapable capable && !m.expiredAt(now)
                    && (m.credentialId() != null || registry.hasConfiguredKey(provider.id()))) {
                return capable;
            }
        }
        return null;
    }

    private Uni<List<String>> listed(String providerId, ModelsCapable lister) {
        Listed known = cache.get(providerId);
        if (known != null && Instant.now().isBefore(known.at().plus(TTL))) {
            return Uni.createFrom().item(known.ids());
        }
        return lister.models().ifNoItem().after(WAIT).fail().map(ids -> {
            List<String> kept = ids.stream().filter(id -> id != null && !id.isBlank() && id.length() <= MAX_ID)
                    .distinct().limit(MAX_MODELS).toList();
            cache.put(providerId, new Listed(kept, Instant.now()));
            return kept;
        }).onFailure().recoverWithItem(failure -> {
            Log.debugf("The models of provider '%s' could not be listed: %s", providerId, failure.toString());
            return known == null ? List.of() : known.ids();
        });
    }
}
