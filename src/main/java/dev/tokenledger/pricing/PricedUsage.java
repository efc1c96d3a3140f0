package dev.tokenledger.pricing;

/**
 * The cost of a request's usage, or unknown.
 *
 * @param cost the cost, or null when the model has no price
 * @param priceVersionId the catalogue version used, or null
 */
public record PricedUsage(Cost cost, Long priceVersionId) {

    public static final PricedUsage UNPRICED = new PricedUsage(null, null);

    public boolean priced() {
        return cost != null;
    }
}
