package dev.tokenledger.admin.openapi;

import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tokenledger.admission.limits.LimitSpec;

/**
 * Shapes the admin API answers that its resources build as JSON maps, written down for the OpenAPI document (and so
 * for the generated SDKs). The SDK tests against a running gateway read real answers through them: a shape that
 * drifts from these fails there.
 */
public final class AdminSchemas {

    private AdminSchemas() {
    }

    /** The limits of a scope with what each one has used. */
    @Schema(name = "ScopeLimits", description = "The limits of a key, team or organization, with current consumption")
    public record ScopeLimits(
            @Schema(required = true, description = "key, team or org", example = "team") String scope,
            @Schema(required = true) UUID id,
            @Schema(nullable = true, description = "The organization the scope belongs to") UUID orgId,
            @Schema(required = true) LimitSpec limits,
            @Schema(required = true, description = "One entry per limit (and per model limit)") List<LimitUse> usage) {
    }

    /** How much of one limit is used. */
    @Schema(name = "LimitUse", description = "How much of one limit is used; money as decimal strings, other limits as "
            + "counts")
    public record LimitUse(
            @Schema(required = true, description = "rpm, tpm, parallel, daily_tokens, monthly_tokens or budget", example = "budget") String limit,
            @Schema(description = "The model of a per-model limit") String model,
            @Schema(description = "The limit: a count, or a decimal string for a budget", example = "5.00") Object max,
            @Schema(description = "The current window") LimitWindow window,
            @Schema(nullable = true, description = "Used in the window", example = "0.000000") Object used,
            @Schema(nullable = true, description = "Held by requests in flight", example = "0") Object held,
            @Schema(nullable = true, description = "What remains", example = "5.000000") Object remaining,
            @Schema(description = "Requests in flight (the parallel limit)", example = "0") Long inFlight) {
    }

    @Schema(name = "LimitWindow", description = "A limit's current window")
    public record LimitWindow(@Schema(example = "2026-12-01T00:00:00Z") String start,
            @Schema(example = "2027-01-01T00:00:00Z") String end) {
    }
}
