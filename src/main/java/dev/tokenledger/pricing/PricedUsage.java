package dev.tokenledger.pricing;

/**
 * The cost of a request's usage, or unknown, and which catalogue entry priced it.
 *
 * @param cost the cost, or null when the model has no price (or the usage cannot be priced)
 * @param priceVersionId the catalogue version used, or null
 * @param priceProvider the catalogue provider whose prices were looked up last (the deployment's configured price
 *        provider), or null when not known
 * @param priceModel the model id of the catalogue entry that priced the usage, or null
 * @param priceMatch how the model name found that entry ({@code exact}, {@code rule}, {@code wildcard}), or null
 */
public record PricedUsage(Cost cost, Long priceVersionId, String priceProvider, String priceModel, String priceMatch) {

    public static final PricedUsage UNPRICED = new PricedUsage(null, null);

    public PricedUsage(Cost cost, Long priceVersionId) {
        this(cost, priceVersionId, null, null, null);
    }

    public boolean priced() {
        return cost != null;
    }
}
