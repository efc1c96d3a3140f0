package dev.tokenledger.config;

import java.util.List;

import io.smallrye.config.WithDefault;

/** The spend and budget metrics: their labels, and the bound on each label's values. */
public interface MetricsConfig {
    /**
     * Labels of {@code tokenledger_spend_usd_total}, from {@code org}, {@code team}, {@code key}, {@code model} (the
     * alias the client named), {@code provider}; ids, never names or secrets.
     */
    @WithDefault("team,model")
    List<String> spendLabels();

    /**
     * Distinct values kept per label of the spend counter, and budget scopes with a gauge of their own; values past the
     * bound are counted as {@code other} (gauges past it are not registered).
     */
    @WithDefault("100")
    int maxLabelValues();
}
