package dev.tokenledger.routing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tokenledger.pricing.PriceBook;
import dev.tokenledger.pricing.PriceSheet;
import dev.tokenledger.pricing.PriceVersion;

/**
 * What a request would cost on a deployment, for the {@code cost} strategy: the deployment's configured prices, else
 * the catalogue's (the provider id's own rate first, then its catalogue provider's), as the deployment is billed.
 */
@ApplicationScoped
public class DeploymentPrices {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    @Inject
    PriceBook book;

    /** The estimated cost in USD per million, or empty when the deployment has no price. */
    public Optional<BigDecimal> estimate(Target target, long inputTokens, long outputTokens) {
        DeploymentTraits t = target.traits();
        BigDecimal input = t.inputPricePerMtok();
        BigDecimal output = t.outputPricePerMtok();
        if (input == null || output == null) {
            Optional<PriceSheet> sheet = catalogue(target).map(PriceVersion::prices);
            if (sheet.isEmpty()) {
                return Optional.empty();
            }
            input = input != null ? input : sheet.get().input().at(inputTokens);
            output = output != null ? output : sheet.get().output().at(inputTokens);
        }
        return Optional.of(input.multiply(BigDecimal.valueOf(inputTokens))
                .add(output.multiply(BigDecimal.valueOf(outputTokens))).divide(MILLION));
    }

    private Optional<PriceVersion> catalogue(Target target) {
        Instant now = Instant.now();
        Optional<PriceVersion> own = book.find(target.provider().id(), target.upstreamModel(), now);
        return own.isPresent() ? own : book.find(target.provider().priceProvider(), target.upstreamModel(), now);
    }
}
