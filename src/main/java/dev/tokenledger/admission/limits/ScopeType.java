package dev.tokenledger.admission.limits;

import java.util.Locale;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;

/** What a set of limits applies to. */
public enum ScopeType {
    KEY, TEAM, ORG;

    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() {
        return id;
    }

    /** The ledger column that identifies this scope's rows. */
    public String ledgerColumn() {
        return id() + "_id";
    }

    public static ScopeType parse(String value) {
        for (ScopeType t : values()) {
            if (t.id().equals(value)) {
                return t;
            }
        }
        throw GatewayError.of(ErrorKind.NOT_FOUND, "Unknown limit scope '" + value + "': use key, team or org.");
    }
}
