package dev.tokenledger.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.tokenledger.pricing.PriceBook.Match;
import dev.tokenledger.pricing.PriceBook.Resolved;

/**
 * An immutable snapshot of the catalogue's versions, indexed for price selection by provider, model name, service tier
 * and time. {@link PriceBook} keeps the current one; lookups never touch the database.
 */
public final class PriceIndex {

    /** Per (provider, model), every version, newest effective time first (then oldest id). */
    private final Map<String, List<PriceVersion>> byModel;
    /** Per provider, the version lists of models with match clauses, oldest id first. */
    private final Map<String, List<List<PriceVersion>>> rules;

    public PriceIndex(Collection<PriceVersion> versions) {
        Map<String, List<PriceVersion>> models = new HashMap<>();
        for (PriceVersion v : versions) {
            models.computeIfAbsent(key(v.provider(), v.model()), k -> new ArrayList<>()).add(v);
        }
        models.replaceAll((k, list) -> {
            list.sort(Comparator.comparing(PriceVersion::effectiveFrom).reversed().thenComparingLong(PriceVersion::id));
            return List.copyOf(list);
        });
        Map<String, List<List<PriceVersion>>> withRules = new HashMap<>();
        models.values().stream().filter(list -> newestMatch(list) != null)
                .sorted(Comparator.comparingLong(list -> list.stream().mapToLong(PriceVersion::id).min().orElse(0)))
                .forEach(list -> withRules.computeIfAbsent(list.get(0).provider(), k -> new ArrayList<>()).add(list));
        this.byModel = Map.copyOf(models);
        this.rules = withRules;
    }

    /** The match clauses of a model's newest version that has any, or null. */
    private static MatchRule newestMatch(List<PriceVersion> versions) {
        for (PriceVersion v : versions) {
            if (v.match() != null) {
                return v.match();
            }
        }
        return null;
    }

    /**
     * The version that applies to a model name of a provider at a time and tier, audibly: the entry whose model id is
     * the name; else the first entry (oldest first) whose match clauses accept the lowercased name; else the
     * provider's wildcard entry ({@link PriceBook#ANY_MODEL}). A name is never cut to a shorter one: a dated snapshot
     * ({@code gpt-4o-2024-05-13}) is priced by its own entry or by a match clause that names it, never by its undated
     * cousin. Empty means unknown, never free.
     */
    public Optional<Resolved> resolve(String provider, String model, String serviceTier, Instant at) {
        if (provider == null || model == null) {
            return Optional.empty();
        }
        String tier = serviceTier == null ? ServiceTier.STANDARD : serviceTier;
        Optional<PriceVersion> exact = at(byModel.get(key(provider, model)), tier, at);
        if (exact.isPresent()) {
            return Optional.of(new Resolved(exact.get(), Match.EXACT));
        }
        String lower = model.toLowerCase(Locale.ROOT);
        for (List<PriceVersion> versions : rules.getOrDefault(provider, List.of())) {
            if (newestMatch(versions).test(lower)) {
                Optional<PriceVersion> ruled = at(versions, tier, at);
                if (ruled.isPresent()) {
                    return Optional.of(new Resolved(ruled.get(), Match.RULE));
                }
            }
        }
        return at(byModel.get(key(provider, PriceBook.ANY_MODEL)), tier, at).map(v -> new Resolved(v, Match.WILDCARD));
    }

    /** Every version of one model, newest first. */
    public List<PriceVersion> versions(String provider, String model) {
        return byModel.getOrDefault(key(provider, model), List.of());
    }

    /** Every version. */
    public List<PriceVersion> all() {
        List<PriceVersion> result = new ArrayList<>();
        byModel.values().forEach(result::addAll);
        return result;
    }

    /** The version of every (provider, model, service tier) that applies at a time. */
    public List<PriceVersion> current(Instant at) {
        List<PriceVersion> result = new ArrayList<>();
        byModel.values().forEach(list -> list.stream().map(PriceVersion::serviceTier).distinct()
                .forEach(tier -> at(list, tier, at).ifPresent(result::add)));
        result.sort(Comparator.comparing(PriceVersion::provider).thenComparing(PriceVersion::model)
                .thenComparing(PriceVersion::serviceTier));
        return result;
    }

    /**
     * The version of a tier in effect at a time: the latest effective time not after {@code at}; among the versions of
     * that time, one whose daily window holds at {@code at}, else the one without a window. A time whose versions all
     * have windows that do not hold falls back to the previous effective time. {@code versions} is newest first.
     */
    static Optional<PriceVersion> at(List<PriceVersion> versions, String tier, Instant at) {
        if (versions == null) {
            return Optional.empty();
        }
        PriceVersion plain = null;
        Instant group = null;
        for (PriceVersion v : versions) {
            if (v.effectiveFrom().isAfter(at) || !v.serviceTier().equals(tier)) {
                continue;
            }
            if (group != null && !v.effectiveFrom().equals(group) && plain != null) {
                return Optional.of(plain);
            }
            group = v.effectiveFrom();
            if (v.timeOfDay() == null) {
                if (plain == null) {
                    plain = v;
                }
            } else if (v.timeOfDay().contains(at)) {
                return Optional.of(v);
            }
        }
        return Optional.ofNullable(plain);
    }

    private static String key(String provider, String model) {
        return provider + '\u0000' + model;
    }
}
