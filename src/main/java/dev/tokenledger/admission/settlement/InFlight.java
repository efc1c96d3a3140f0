package dev.tokenledger.admission.settlement;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.admission.limits.LocalLimiter;
import dev.tokenledger.admission.limits.Ticket;

/**
 * The reservations of the requests admitted on this replica and not settled yet, by request id, and the local
 * fallback limiter that admitted some of them: admission adds, settlement takes, each without knowing the other.
 */
@ApplicationScoped
public class InFlight {

    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private final LocalLimiter local = new LocalLimiter();

    /** The limiter used while Redis is down. */
    public LocalLimiter local() {
        return local;
    }

    /** Keeps the reservation of an admitted request until its settlement takes it. */
    public void put(Ticket ticket) {
        tickets.put(ticket.demand().requestId(), ticket);
    }

    /** The reservation of a request, removed (a local one's share given back): its settlement is the caller's. */
    public Ticket take(String requestId) {
        Ticket ticket = tickets.remove(requestId);
        if (ticket != null && ticket.local()) {
            local.release(ticket);
        }
        return ticket;
    }

    /** Every reservation in flight, by request id. */
    public void forEach(BiConsumer<String, Ticket> action) {
        tickets.forEach(action);
    }

    /** Requests admitted and not settled yet on this replica. */
    public int size() {
        return tickets.size();
    }
}
