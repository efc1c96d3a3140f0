package dev.tokenledger.gateway;

import java.util.Map;

import dev.tokenledger.auth.Principal;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.pricing.PricedUsage;

/** Small request-path rules shared by the pipelines. */
final class Access {

    static final String COST_HEADER = "x-tokenledger-cost-usd";

    private Access() {
    }

    /** A key may only use the models of its allow-list: 403 otherwise. */
    static void checkModel(Principal principal, String model) {
        if (!principal.mayUse(model)) {
            throw GatewayError.of(ErrorKind.PERMISSION, "This API key is not allowed to use the model '" + model + "'.");
        }
    }

    /** The cost header of a non-streaming answer: a decimal USD amount, or {@code unknown} when unpriced. */
    static Map<String, String> costHeader(PricedUsage priced) {
        return Map.of(COST_HEADER, priced.priced() ? priced.cost().exactUsd().stripTrailingZeros().toPlainString() : "unknown");
    }
}
