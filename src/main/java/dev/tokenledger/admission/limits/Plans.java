package dev.tokenledger.admission.limits;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tokenledger.auth.Principal;

/** Turns a request's demand and its scopes' limits into the checks of one admission call. */
public final class Plans {

    private Plans() {
    }

    /** The Redis hash tag of an organization: every key of one tenant lives in one slot. */
    public static String tag(UUID orgId) {
        return "tl:{o:" + (orgId == null ? "none" : orgId) + "}:";
    }

    public static String paceKey(String deployment) {
        return "tl:pace:" + deployment;
    }

    /** The check of a deployment's adaptive pace. */
    public static Check pace(String deployment) {
        return Check.pace(paceKey(deployment));
    }

    /** The scopes of a principal that have limits, most specific first. */
    public static List<StoredLimits> scopes(LimitStore store, Principal principal) {
        List<StoredLimits> scopes = new ArrayList<>(3);
        add(scopes, store.get(ScopeType.KEY, principal.keyId()));
        add(scopes, store.get(ScopeType.TEAM, principal.teamId()));
        add(scopes, store.get(ScopeType.ORG, principal.orgId()));
        return scopes;
    }

    private static void add(List<StoredLimits> scopes, StoredLimits limits) {
        if (limits != null) {
            scopes.add(limits);
        }
    }

    /** Whether any of the scopes has a budget that applies to the model (its own, or the scope's). */
    public static boolean budgeted(List<StoredLimits> scopes, String model) {
        for (StoredLimits scope : scopes) {
            LimitSpec perModel = model == null ? null : scope.spec().models().get(model);
            if (scope.spec().budget() != null || perModel != null && perModel.budget() != null) {
                return true;
            }
        }
        return false;
    }

    public static List<Check> checks(List<StoredLimits> scopes, Demand demand, ZoneId zone, Instant now, boolean paced) {
        List<Check> checks = new ArrayList<>();
        for (StoredLimits scope : scopes) {
            add(checks, scope, null, scope.spec(), demand, zone, now);
            LimitSpec perModel = demand.model() == null ? null : scope.spec().models().get(demand.model());
            if (perModel != null) {
                add(checks, scope, demand.model(), perModel, demand, zone, now);
            }
        }
        if (paced) {
            checks.add(pace(demand.deployment()));
        }
        return checks;
    }

    private static void add(List<Check> checks, StoredLimits scope, String model, LimitSpec spec, Demand demand,
            ZoneId zone, Instant now) {
        String base = tag(scope.orgId());
        String label = scope.type().id() + ":" + scope.scopeId() + (model == null ? "" : ":model:" + model);
        if (spec.rpm() != null) {
            checks.add(Check.rate(Limit.RPM, scope, model, base + "rpm:" + label, spec.rpm(), 1));
        }
        if (spec.tpm() != null) {
            checks.add(Check.rate(Limit.TPM, scope, model, base + "tpm:" + label, spec.tpm(), Math.min(demand.tokens(),
                    spec.tpm())));
        }
        if (spec.maxParallel() != null) {
            checks.add(Check.parallel(scope, model, base + "par:" + label, spec.maxParallel()));
        }
        if (spec.dailyTokens() != null) {
            Window day = Window.of("day", zone, now, scope.anchor(), 1);
            checks.add(Check.quota(Limit.DAILY_TOKENS, scope, model, base + "qd:" + label + ":" + day.id(),
                    spec.dailyTokens(), demand.tokens(), day));
        }
        if (spec.monthlyTokens() != null) {
            Window month = Window.of("month", zone, now, scope.anchor(), 1);
            checks.add(Check.quota(Limit.MONTHLY_TOKENS, scope, model, base + "qm:" + label + ":" + month.id(),
                    spec.monthlyTokens(), demand.tokens(), month));
        }
        BudgetSpec budget = spec.budget();
        if (budget != null) {
            ZoneId budgetZone = budget.timezone() == null ? zone : ZoneId.of(budget.timezone());
            Window window = Window.of(budget.windowOrDefault(), budgetZone, now, scope.anchor(),
                    budget.rollingDays() == null ? 30 : budget.rollingDays());
            long amount = budget.amountMicros();
            long soft = budget.softThreshold() == null
                    ? 0
                    : Math.max(1, BigDecimal.valueOf(amount)
                            .multiply(budget.softThreshold()).setScale(0, RoundingMode.CEILING).longValue());
            long hold = demand.worstCaseMicros() == null ? 0 : demand.worstCaseMicros();
            checks.add(Check.budget(scope, model, base + "bud:" + label + ":" + window.id(), amount, hold, window, soft,
                    budget.isHard()));
        }
    }
}
