package dev.tokenledger.admission;

import java.time.Duration;
import java.time.Instant;

import dev.tokenledger.admission.limits.Check;
import dev.tokenledger.admission.limits.Limit;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.http.RequestContext;

/** The errors admission answers with, and their headers; each API renders them in its own error format. */
public final class Refusals {

    private Refusals() {
    }

    /** A check refused the request; {@code value} is the script's: retry time (us) for rates, what remains otherwise. */
    public static GatewayError refused(RequestContext ctx, Check check, long value) {
        String scope = check.label();
        return switch (check.type()) {
            case RPM, TPM -> {
                RateHeaders.refused(ctx, check, value);
                String unit = check.type() == Limit.RPM ? "requests" : "tokens";
                yield error(ErrorKind.RATE_LIMITED, "rate_limit_exceeded", "Rate limit reached for " + scope + ": "
                        + check.limit() + " " + unit + " per minute. Retry after " + RateHeaders.duration(value) + ".");
            }
            case PARALLEL -> {
                RateHeaders.retryAfter(ctx, 1_000_000);
                yield error(ErrorKind.RATE_LIMITED, "rate_limit_exceeded", "Too many concurrent requests for " + scope
                        + ": at most " + check.limit() + " at a time.");
            }
            case PACE -> {
                RateHeaders.retryAfter(ctx, value);
                yield error(ErrorKind.RATE_LIMITED, "rate_limit_exceeded", "The upstream deployment serving this model "
                        + "is rate limiting; the gateway paces requests to it. Retry after "
                        + RateHeaders.duration(value) + ".");
            }
            case DAILY_TOKENS, MONTHLY_TOKENS -> {
                exhausted(ctx, check);
                yield error(ErrorKind.QUOTA_EXCEEDED, "quota_exceeded", "Token quota exhausted for " + scope + ": "
                        + check.limit() + " tokens per " + (check.type() == Limit.DAILY_TOKENS ? "day" : "month")
                        + ", " + Math.max(0, value) + " left; this request reserves " + check.amount() + ".");
            }
            case BUDGET -> {
                exhausted(ctx, check);
                yield error(ErrorKind.QUOTA_EXCEEDED, "budget_exceeded", "Budget exhausted for " + scope + ": "
                        + usd(check.limit()) + " USD per window, " + usd(Math.max(0, value))
                        + " USD left; this request may cost up to " + usd(check.amount()) + " USD.");
            }
        };
    }

    /** A hard budget cannot be checked: Redis is down. */
    public static GatewayError unavailable(RequestContext ctx, Check check) {
        RateHeaders.retryAfter(ctx, 5_000_000);
        return error(ErrorKind.UNAVAILABLE, "budget_unavailable", "The budget of " + check.label()
                + " cannot be checked right now (budget store unavailable); retry shortly.");
    }

    /** A hard budget cannot hold a request that may reach a model without a price (itself, or a fallback). */
    public static GatewayError unpriced(Check check, String model) {
        return error(ErrorKind.PERMISSION, "unpriced_model", "The model '" + model + "' has no price, so it cannot be "
                + "used under the hard budget of " + check.label() + ". Add a price for it first.");
    }

    private static void exhausted(RequestContext ctx, Check check) {
        ctx.responseHeader("x-should-retry", "false");
        Duration left = Duration.between(Instant.now(), check.window().end());
        RateHeaders.retryAfter(ctx, Math.max(1, left.toNanos() / 1000));
    }

    private static String usd(long micros) {
        return java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }

    private static GatewayError error(ErrorKind kind, String code, String message) {
        return new GatewayError(kind, message, null, code, 0, null);
    }
}
