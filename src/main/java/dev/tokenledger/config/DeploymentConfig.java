package dev.tokenledger.config;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import io.smallrye.config.WithDefault;

/** One deployment of a model alias. */
public interface DeploymentConfig {
    /** Id of a configured provider. */
    String provider();

    /** Upstream model name; the alias when absent. */
    Optional<String> model();

    /** Relative share of requests under the {@code weighted} strategy. */
    @WithDefault("1")
    int weight();

    /** Order under {@code fill-first}: lower values are used first. */
    @WithDefault("0")
    int priority();

    /** What the deployment supports: {@code tools}, {@code images}; absent: everything. */
    Optional<Set<String>> capabilities();

    /** Largest context (input plus output tokens) the deployment accepts; absent: unlimited. */
    OptionalLong contextWindow();

    /** Price per million input tokens for the {@code cost} strategy, overriding the catalogue. */
    Optional<BigDecimal> inputPricePerMtok();

    /** Price per million output tokens for the {@code cost} strategy, overriding the catalogue. */
    Optional<BigDecimal> outputPricePerMtok();
}
