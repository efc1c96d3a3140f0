package dev.tokenledger.canonical;

/**
 * A wire format the gateway speaks, inbound or upstream. Two ends with the same format may pass bytes through
 * untouched; different formats go through the canonical model.
 */
public enum WireFormat {
    OPENAI_CHAT("openai");

    private final String id;

    WireFormat(String id) {
        this.id = id;
    }

    /** Short name used in metrics, logs and the ledger. */
    public String id() {
        return id;
    }
}
