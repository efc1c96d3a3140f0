package dev.tokenledger.admission.limits;

import java.math.BigDecimal;
import java.math.RoundingMode;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.AdmissionConfig;
import dev.tokenledger.config.AdmissionConfig.UnpricedPolicy;

/**
 * What a budget charges for usage whose price is unknown, by the configured policies ({@link AdmissionConfig.Unpriced}):
 * the fallback prices when a policy is {@code fallback}, else nothing (an unpriced request under a {@code zero} policy
 * is counted and logged by its caller; under {@code refuse} it was never admitted by a budget that refuses it).
 */
@jakarta.enterprise.context.ApplicationScoped
public class UnpricedCharges {

    private final UnpricedPolicy hard;
    private final UnpricedPolicy soft;
    private final BigDecimal input;
    private final BigDecimal output;

    @jakarta.inject.Inject
    public UnpricedCharges(dev.tokenledger.config.GatewayConfig gateway) {
        this(gateway.admission().unpriced());
    }

    UnpricedCharges(AdmissionConfig.Unpriced config) {
        this.hard = config.hard();
        this.soft = config.soft();
        boolean fallback = hard == UnpricedPolicy.FALLBACK || soft == UnpricedPolicy.FALLBACK;
        if (fallback && (config.fallbackInputPerMtok().isEmpty() || config.fallbackOutputPerMtok().isEmpty())) {
            throw new IllegalArgumentException("tokenledger.admission.unpriced: a fallback policy needs "
                    + "fallback-input-per-mtok and fallback-output-per-mtok");
        }
        this.input = fallback ? nonNegative(config.fallbackInputPerMtok().get(), "fallback-input-per-mtok") : null;
        this.output = fallback ? nonNegative(config.fallbackOutputPerMtok().get(), "fallback-output-per-mtok") : null;
    }

    private static BigDecimal nonNegative(BigDecimal price, String name) {
        if (price.signum() < 0) {
            throw new IllegalArgumentException("tokenledger.admission.unpriced." + name + " must be >= 0");
        }
        return price;
    }

    public UnpricedPolicy policy(boolean hardBudget) {
        return hardBudget ? hard : soft;
    }

    /** Whether unpriced usage is charged at the fallback prices. */
    public boolean fallback() {
        return input != null;
    }

    /** The micro-USD charged for unpriced usage: at the fallback prices (rounded half-up), else 0. */
    public long micros(Usage usage) {
        if (!fallback()) {
            return 0;
        }
        return micros(usage.promptTokens(), usage.completionTokens());
    }

    public long micros(long inputTokens, long outputTokens) {
        // tokens x USD per million = micro-USD
        return BigDecimal.valueOf(inputTokens).multiply(input).add(BigDecimal.valueOf(outputTokens).multiply(output))
                .setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** The SQL sum of a ledger's budget charges: recorded costs, and unpriced rows at the fallback prices if any. */
    public String ledgerSum() {
        return fallback() ? "coalesce(sum(" + rowCharge() + "), 0)" : "coalesce(sum(cost_micros), 0)";
    }

    /** The SQL of one row's budget charge. */
    public String rowCharge() {
        return fallback()
                ? "coalesce(cost_micros, round(input_tokens * " + input.toPlainString() + " + output_tokens * "
                        + output.toPlainString() + ")::bigint)"
                : "coalesce(cost_micros, 0)";
    }
}
