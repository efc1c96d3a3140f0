package dev.tokenledger.stream;

/** An AWS event stream that breaks its framing: a CRC mismatch, a bad header, a frame over the limit. */
public final class EventStreamException extends RuntimeException {

    public EventStreamException(String message) {
        super(message, null, false, false);
    }
}
