package dev.tokenledger.routing;

import java.math.BigDecimal;
import java.util.Set;

/**
 * What the configuration says about one deployment.
 *
 * @param weight share under the weighted strategy
 * @param priority order under fill-first, lower first
 * @param capabilities supported features ({@code tools}, {@code images}), or null for everything
 * @param contextWindow largest context in tokens, or 0 for unlimited
 * @param inputPricePerMtok price override per million input tokens, or null to use the catalogue
 * @param outputPricePerMtok price override per million output tokens, or null to use the catalogue
 */
public record DeploymentTraits(int weight, int priority, Set<String> capabilities, long contextWindow,
        BigDecimal inputPricePerMtok, BigDecimal outputPricePerMtok) {

    public static final String TOOLS = "tools";
    public static final String IMAGES = "images";
    public static final Set<String> KNOWN_CAPABILITIES = Set.of(TOOLS, IMAGES);

    public static final DeploymentTraits DEFAULT = new DeploymentTraits(1, 0, null, 0, null, null);

    public DeploymentTraits {
        capabilities = capabilities == null ? null : Set.copyOf(capabilities);
    }

    public boolean supports(String capability) {
        return capabilities == null || capabilities.contains(capability);
    }
}
