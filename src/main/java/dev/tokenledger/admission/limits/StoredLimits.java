package dev.tokenledger.admission.limits;

import java.time.Instant;
import java.util.UUID;

/**
 * The limits of one scope as stored.
 *
 * @param orgId the organization the scope belongs to (all its Redis keys share this organization's hash slot)
 * @param anchor start of the first rolling budget window
 */
public record StoredLimits(ScopeType type, UUID scopeId, UUID orgId, LimitSpec spec, Instant anchor) {
}
