package dev.tokenledger.admission;

import java.util.List;

import dev.tokenledger.admission.limits.Check;
import dev.tokenledger.admission.limits.Limit;
import dev.tokenledger.http.RequestContext;

/**
 * OpenAI's rate-limit headers: {@code x-ratelimit-limit-requests}, {@code -remaining-requests}, {@code -reset-requests}
 * and the same for tokens, from the tightest limit of each kind; and {@code retry-after} / {@code retry-after-ms} on
 * a refusal.
 */
public final class RateHeaders {

    private RateHeaders() {
    }

    /**
     * Sets the headers of an admitted request from the script's answer.
     *
     * @param values remaining and reset (microseconds) per rate check, in check order
     */
    public static void admitted(RequestContext ctx, List<Check> checks, List<Long> values) {
        int g = 0;
        long[] best = {Long.MAX_VALUE, 0, 0, Long.MAX_VALUE, 0, 0};
        for (Check check : checks) {
            if (check.type() != Limit.RPM && check.type() != Limit.TPM) {
                continue;
            }
            long remaining = values.get(g * 2);
            long reset = values.get(g * 2 + 1);
            g++;
            int at = check.type() == Limit.RPM ? 0 : 3;
            if (remaining < best[at]) {
                best[at] = remaining;
                best[at + 1] = check.limit();
                best[at + 2] = reset;
            }
        }
        put(ctx, "requests", best[1], best[0], best[2]);
        put(ctx, "tokens", best[4], best[3], best[5]);
    }

    /** Without Redis, only the limits are known. */
    public static void limitsOnly(RequestContext ctx, List<Check> checks) {
        for (Check check : checks) {
            if (check.type() == Limit.RPM || check.type() == Limit.TPM) {
                ctx.responseHeader("x-ratelimit-limit-" + (check.type() == Limit.RPM ? "requests" : "tokens"),
                        String.valueOf(check.limit()));
            }
        }
    }

    /** A refusal of a rate: nothing remains until the retry time. */
    public static void refused(RequestContext ctx, Check check, long retryUs) {
        if (check.type() == Limit.RPM || check.type() == Limit.TPM) {
            put(ctx, check.type() == Limit.RPM ? "requests" : "tokens", check.limit(), 0, retryUs);
        }
        retryAfter(ctx, retryUs);
    }

    public static void retryAfter(RequestContext ctx, long retryUs) {
        long ms = Math.max(1, (retryUs + 999) / 1000);
        ctx.responseHeader("retry-after", String.valueOf((ms + 999) / 1000));
        ctx.responseHeader("retry-after-ms", String.valueOf(ms));
    }

    private static void put(RequestContext ctx, String kind, long limit, long remaining, long resetUs) {
        if (limit <= 0) {
            return;
        }
        ctx.responseHeader("x-ratelimit-limit-" + kind, String.valueOf(limit));
        ctx.responseHeader("x-ratelimit-remaining-" + kind, String.valueOf(Math.max(0, remaining)));
        ctx.responseHeader("x-ratelimit-reset-" + kind, duration(resetUs));
    }

    /** A Go-style duration as OpenAI sends it: {@code 250ms}, {@code 1s}, {@code 1.5s}, {@code 6m0s}. */
    public static String duration(long micros) {
        long ms = Math.max(0, (micros + 999) / 1000);
        if (ms < 1000) {
            return ms + "ms";
        }
        long minutes = ms / 60_000;
        long rest = ms % 60_000;
        String seconds = (rest % 1000 == 0)
                ? String.valueOf(rest / 1000)
                : java.math.BigDecimal.valueOf(rest, 3).stripTrailingZeros().toPlainString();
        return minutes > 0 ? minutes + "m" + seconds + "s" : seconds + "s";
    }
}
