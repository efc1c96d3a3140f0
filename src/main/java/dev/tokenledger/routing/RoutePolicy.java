package dev.tokenledger.routing;

import java.time.Duration;
import java.util.List;

/**
 * How an alias routes beyond its deployments.
 *
 * @param affinityHeader request header pinning a session to a deployment, or null
 * @param fallbacks aliases tried in order after every deployment failed
 * @param contextWindowFallback alias tried when the context is too long, or null
 * @param fallbackOnContentPolicy whether a content-policy refusal moves on
 * @param cacheTtl how long answers are cached, or null when not cached
 * @param cacheShared whether cached answers are shared across teams
 */
public record RoutePolicy(Strategy strategy, String affinityHeader, List<String> fallbacks, String contextWindowFallback,
        boolean fallbackOnContentPolicy, Duration cacheTtl, boolean cacheShared) {

    public static final RoutePolicy DEFAULT = new RoutePolicy(Strategy.FILL_FIRST, null, List.of(), null, false, null,
            false);

    public RoutePolicy {
        fallbacks = List.copyOf(fallbacks);
    }
}
