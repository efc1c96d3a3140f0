package dev.tokenledger.stream;

/** The upstream stream broke the framing rules or a size limit. */
public final class SseException extends RuntimeException {

    public SseException(String message) {
        super(message, null, false, false);
    }
}
