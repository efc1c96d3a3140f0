package dev.tokenledger.admission.limits;

import java.math.BigDecimal;

/**
 * One limit of one scope, as checked for one request.
 *
 * @param scope the scope (null for the deployment pace)
 * @param model the model of a per-model limit, or null
 * @param key the Redis key of its state
 * @param limit the limit value (requests, tokens or micro-USD per window; slots)
 * @param amount what this request reserves against it (tokens or micro-USD; 1 request)
 * @param intervalUs for rates, the GCRA emission interval in microseconds
 * @param window for quotas and budgets, the current window
 * @param softMicros for budgets, the soft-alert threshold in micro-USD, or 0
 * @param enforced false for a soft budget, which is tracked but never refuses
 */
public record Check(Limit type, StoredLimits scope, String model, String key, long limit, long amount, double intervalUs,
        Window window, long softMicros, boolean enforced) {

    public static final long MINUTE_US = 60_000_000L;

    /** A request or token rate per minute (GCRA: one emission interval per unit). */
    static Check rate(Limit type, StoredLimits scope, String model, String key, long perMinute, long cost) {
        return new Check(type, scope, model, key, perMinute, cost, (double) MINUTE_US / perMinute, null, 0, true);
    }

    /** A concurrency limit: one slot per request. */
    static Check parallel(StoredLimits scope, String model, String key, long maxParallel) {
        return new Check(Limit.PARALLEL, scope, model, key, maxParallel, 1, 0, null, 0, true);
    }

    /** A token quota over a calendar window, reserving the request's tokens. */
    static Check quota(Limit type, StoredLimits scope, String model, String key, long limit, long tokens, Window window) {
        return new Check(type, scope, model, key, limit, tokens, 0, window, 0, true);
    }

    /**
     * A budget over a window, holding the request's worst-case cost.
     *
     * @param softMicros the soft-alert threshold in micro-USD, or 0
     * @param hard whether it refuses (a soft budget is only tracked)
     */
    static Check budget(StoredLimits scope, String model, String key, long limitMicros, long holdMicros, Window window,
            long softMicros, boolean hard) {
        return new Check(Limit.BUDGET, scope, model, key, limitMicros, holdMicros, 0, window, softMicros, hard);
    }

    /** A deployment's adaptive pace. */
    static Check pace(String key) {
        return new Check(Limit.PACE, null, null, key, 0, 1, 0, null, 0, true);
    }

    /** A label for logs, errors and metrics: {@code key:<id>} or {@code key:<id>:model:<model>}. */
    public String label() {
        if (scope == null) {
            return "deployment";
        }
        return scope.type().id() + ":" + scope.scopeId() + (model == null ? "" : ":model:" + model);
    }

    public String scopeType() {
        return scope == null ? "deployment" : scope.type().id();
    }

    /** The script's a, b and c values of this check. */
    public String[] admitArgs() {
        return switch (type) {
            case RPM, TPM -> new String[]{interval(), String.valueOf(MINUTE_US), String.valueOf(amount)};
            case PARALLEL -> new String[]{String.valueOf(limit), "0", "0"};
            case DAILY_TOKENS, MONTHLY_TOKENS, BUDGET -> new String[]{String.valueOf(enforced ? limit : Long.MAX_VALUE / 4),
                    String.valueOf(amount), "0"};
            case PACE -> new String[]{"500000", "0", "0"};
        };
    }

    /** The emission interval as the script reads it; the same few limits recur on every request. */
    public String interval() {
        return INTERVALS.computeIfAbsent(intervalUs, us -> BigDecimal.valueOf(us).toPlainString());
    }

    private static final java.util.Map<Double, String> INTERVALS = new java.util.concurrent.ConcurrentHashMap<>();
}
