package dev.tokenledger.admission.limits;

import java.util.List;

/**
 * An admitted request's reservations, kept until it settles.
 *
 * @param tag the hash tag of its organization's keys
 * @param local whether it was admitted by this replica's fallback limiter while Redis was down
 */
public record Ticket(Demand demand, String tag, List<Check> checks, boolean local) {

    public String doneKey() {
        return tag + "done:" + demand.requestId();
    }

    /**
     * The marker of an admission its replica gave up (Redis did not answer in time): set by the release of what it
     * might have reserved, it makes the admission script refuse the request should it run after that release.
     */
    public String voidKey() {
        return tag + "done:" + demand.requestId() + ":void";
    }

    public Ticket asLocal() {
        return new Ticket(demand, tag, checks, true);
    }
}
