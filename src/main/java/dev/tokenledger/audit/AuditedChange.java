package dev.tokenledger.audit;

import io.smallrye.mutiny.Uni;

/**
 * The audit of one admin change: its actor, read on the request's own thread before the change starts, and the log its
 * entry is written to once the change is made (the entry's actor is always the one read at the start).
 */
public record AuditedChange(Actor actor, AuditLog log) {

    /** Appends the entry in the change's own Hibernate Reactive transaction: it commits or rolls back with it. */
    public Uni<Void> inTransaction(AuditEntry entry) {
        return log.inTransaction(actor, entry);
    }

    /** Appends the entry on its own, after a change made outside Hibernate (the SQL pool, Redis). */
    public Uni<Void> append(AuditEntry entry) {
        return log.append(actor, entry);
    }
}
