package dev.tokenledger.routing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Orders the deployments of one alias for one request by the alias's strategy. The round-robin counters are per
 * replica (a fair share per replica is a fair share overall); in-flight counts and latencies are this replica's view.
 */
@ApplicationScoped
public class Strategies {

    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    @Inject
    DeploymentStats stats;

    @Inject
    dev.tokenledger.config.ConfiguredModels configured;

    @Inject
    DeploymentPrices prices;

    List<Target> order(Route route, List<Target> targets, RequestNeeds needs, String affinityKey) {
        List<Target> ordered = switch (route.policy().strategy()) {
            case FILL_FIRST -> sorted(targets, Comparator.comparingInt(t -> t.traits().priority()));
            case ROUND_ROBIN -> rotated(route.model(), targets);
            case WEIGHTED -> weighted(targets);
            case LEAST_BUSY ->
                sorted(rotated(route.model(), targets), Comparator
                        .comparingInt(t -> stats.of(configured.stateKey(t.provider().id(), t.upstreamModel())).inFlight()));
            case LOWEST_LATENCY ->
                sorted(targets, Comparator.comparingDouble(
                        t -> Math.max(0, stats.of(configured.stateKey(t.provider().id(), t.upstreamModel())).latencyMillis())));
            case COST -> cheapestFirst(targets, needs);
        };
        return affinityKey == null ? ordered : pinned(ordered, affinityKey);
    }

    private static List<Target> sorted(List<Target> targets, Comparator<Target> by) {
        List<Target> copy = new ArrayList<>(targets);
        copy.sort(by); // stable: ties keep configuration (or rotation) order
        return copy;
    }

    private List<Target> rotated(String alias, List<Target> targets) {
        int n = targets.size();
        int start = (int) Math.floorMod(counters.computeIfAbsent(alias, a -> new AtomicLong()).getAndIncrement(), (long) n);
        List<Target> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(targets.get((start + i) % n));
        }
        return out;
    }

    /** A weighted random order: each place drawn among the rest by weight; weight 0 only as a last resort. */
    private static List<Target> weighted(List<Target> targets) {
        List<Target> rest = new ArrayList<>(targets);
        List<Target> out = new ArrayList<>(targets.size());
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!rest.isEmpty()) {
            long total = rest.stream().mapToLong(t -> t.traits().weight()).sum();
            if (total == 0) {
                out.addAll(rest);
                break;
            }
            long pick = random.nextLong(total);
            for (int i = 0; i < rest.size(); i++) {
                pick -= rest.get(i).traits().weight();
                if (pick < 0) {
                    out.add(rest.remove(i));
                    break;
                }
            }
        }
        return out;
    }

    /** Cheapest estimated cost first; deployments without a price last, in configuration order. */
    private List<Target> cheapestFirst(List<Target> targets, RequestNeeds needs) {
        Map<Target, Optional<BigDecimal>> cost = new java.util.HashMap<>();
        for (Target t : targets) {
            cost.put(t, prices.estimate(t, needs.promptTokens(), needs.outputTokens()));
        }
        return sorted(targets, Comparator.comparing((Target t) -> cost.get(t).isEmpty())
                .thenComparing(t -> cost.get(t).orElse(BigDecimal.ZERO)));
    }

    /** Rendezvous hashing: a session keeps its deployment while that one is available, and moves when it is not. */
    private static List<Target> pinned(List<Target> ordered, String key) {
        Target best = null;
        long bestScore = Long.MIN_VALUE;
        for (Target t : ordered) {
            long score = hash(key, t.id());
            if (score > bestScore) {
                bestScore = score;
                best = t;
            }
        }
        List<Target> out = new ArrayList<>(ordered);
        out.remove(best);
        out.add(0, best);
        return out;
    }

    /** FNV-1a over the session key and the deployment id, then a 64-bit finaliser: stable across replicas. */
    private static long hash(String key, String id) {
        long h = 0xcbf29ce484222325L;
        String s = key + '\u0000' + id;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
