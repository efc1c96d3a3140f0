package dev.tokenledger.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** One model alias. */
public interface ModelConfig {
    /** The deployments that can serve this alias, in order of preference. */
    List<DeploymentConfig> deployments();

    /**
     * How a deployment is chosen: {@code fill-first} (by priority, then order), {@code round-robin},
     * {@code weighted}, {@code least-busy}, {@code lowest-latency} or {@code cost}.
     */
    @WithDefault("fill-first")
    String strategy();

    /** A request header whose value pins a client session to one deployment while it is healthy. */
    Optional<String> sessionAffinityHeader();

    /** Aliases tried in order when every deployment of this alias failed with an error worth retrying. */
    Optional<List<String>> fallbacks();

    /** Alias with a larger context window, tried when a deployment answers that the context is too long. */
    Optional<String> contextWindowFallback();

    /** Whether a content-policy refusal falls back to the next deployment (by default it is the answer). */
    @WithDefault("false")
    boolean fallbackOnContentPolicy();

    /** How long answers of this alias are cached; absent: not cached. */
    Optional<Duration> cacheTtl();

    /** Whether cached answers are shared by all teams; by default each team has its own. */
    @WithDefault("false")
    boolean cacheShared();
}
