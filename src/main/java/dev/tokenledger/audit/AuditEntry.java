package dev.tokenledger.audit;

import java.util.UUID;

/**
 * One admin change: the object (type and id), what was done to it, the team it belongs to (when it belongs to one, so
 * that a viewer of that team may read the entry) and its state before and after as the admin API shows it.
 *
 * @param before the view before the change, or null for a creation
 * @param after the view after the change, or null for a deletion
 */
public record AuditEntry(String entityType, String entityId, String action, UUID teamId, Object before, Object after) {

    public static AuditEntry of(String entityType, Object entityId, String action, UUID teamId, Object before,
            Object after) {
        return new AuditEntry(entityType, String.valueOf(entityId), action, teamId, before, after);
    }
}
