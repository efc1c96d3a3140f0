package dev.tokenledger.admission.limits;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.tokenledger.canonical.GatewayError;

/**
 * The limits of one scope (a key, a team or an organization); every field is optional and absent means unlimited.
 * Unknown fields are refused on the admin API, so a misspelt limit is never read as "unlimited".
 *
 * @param rpm requests per minute
 * @param tpm tokens (input estimate plus reserved output) per minute
 * @param maxParallel requests in flight at once
 * @param dailyTokens tokens per calendar day
 * @param monthlyTokens tokens per calendar month
 * @param budget a money budget
 * @param models stricter limits for single models within this scope, by the model name clients send
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record LimitSpec(@Schema(description = "Requests per minute", examples = "60") Long rpm, Long tpm, Integer maxParallel,
        Long dailyTokens, Long monthlyTokens, BudgetSpec budget,
        Map<String, LimitSpec> models) {

    public LimitSpec {
        models = models == null ? Map.of() : Map.copyOf(models);
    }

    /** Whether no limit at all is set. */
    public boolean setsNothing() {
        return rpm == null && tpm == null && maxParallel == null && dailyTokens == null && monthlyTokens == null
                && budget == null && models.isEmpty();
    }

    /** Rejects negative or zero limits and invalid budgets, naming the field. */
    public LimitSpec validated(String prefix) {
        positive(rpm, prefix + "rpm");
        positive(tpm, prefix + "tpm");
        positive(maxParallel == null ? null : maxParallel.longValue(), prefix + "maxParallel");
        positive(dailyTokens, prefix + "dailyTokens");
        positive(monthlyTokens, prefix + "monthlyTokens");
        if (budget != null) {
            budget.validate(prefix + "budget.");
        }
        models.forEach((model, spec) -> {
            // the name becomes part of Redis keys and metric labels: a model name, nothing else
            dev.tokenledger.canonical.ClientText.model(prefix + "models", model);
            if (!spec.models().isEmpty()) {
                throw GatewayError.invalid(prefix + "models." + model + ".models", "Model limits cannot nest.");
            }
            spec.validated(prefix + "models." + model + ".");
        });
        return this;
    }

    private static void positive(Long value, String param) {
        if (value != null && value <= 0) {
            throw GatewayError.invalid(param, "'" + param + "' must be a positive number.");
        }
    }
}
