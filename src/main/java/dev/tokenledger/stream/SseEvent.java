package dev.tokenledger.stream;

/**
 * One dispatched server-sent event.
 *
 * @param type the event type ({@code message} when the stream named none)
 * @param data the data lines joined with {@code \n}
 * @param id the last event id seen so far, or null
 * @param raw the original bytes of the event as received, terminators included, for byte-exact forwarding
 */
public record SseEvent(String type, String data, String id, byte[] raw) {

    public static final String DEFAULT_TYPE = "message";
}
