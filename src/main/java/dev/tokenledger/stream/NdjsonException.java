package dev.tokenledger.stream;

/** The upstream NDJSON stream broke the framing rules or the line limit. */
public final class NdjsonException extends RuntimeException {

    public NdjsonException(String message) {
        super(message, null, false, false);
    }
}
