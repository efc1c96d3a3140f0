package dev.tokenledger.stream;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * One frame of an AWS event stream ({@code application/vnd.amazon.eventstream}): its string headers and its payload.
 *
 * @param headers the frame's headers whose values are strings ({@code :message-type}, {@code :event-type},
 *        {@code :exception-type}, {@code :content-type}, {@code :error-code}, {@code :error-message}); others are
 *        left out
 * @param payload the payload bytes (JSON for Bedrock and Kiro)
 */
public record EventStreamFrame(Map<String, String> headers, byte[] payload) {

    public EventStreamFrame {
        // in the order given: Map.copyOf's order changes from one process to the next, and so would the frame's bytes
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** An {@code event} frame of the given type. */
    public static EventStreamFrame event(String eventType, byte[] payload) {
        return json("event", eventType, payload);
    }

    /** An {@code exception} frame of the given type. */
    public static EventStreamFrame exception(String exceptionType, byte[] payload) {
        return json("exception", exceptionType, payload);
    }

    /** A frame of a message type ({@code event}, {@code exception}) with a JSON payload, its type in {@code :<message type>-type}. */
    private static EventStreamFrame json(String messageType, String type, byte[] payload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":" + messageType + "-type", type);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", messageType);
        return new EventStreamFrame(headers, payload);
    }

    /** {@code event}, {@code exception} or {@code error}; {@code event} when the header is missing. */
    public String messageType() {
        return headers.getOrDefault(":message-type", "event");
    }

    /** The {@code :event-type} header, or null. */
    public String eventType() {
        return headers.get(":event-type");
    }

    /** The {@code :exception-type} of an exception frame, or the {@code :error-code} of an error frame, or null. */
    public String exceptionType() {
        String type = headers.get(":exception-type");
        return type != null ? type : headers.get(":error-code");
    }

    /** Whether this frame reports a failure ({@code exception} or {@code error}) instead of an event. */
    public boolean failure() {
        return !"event".equals(messageType());
    }

    /** The frame on the wire: prelude, headers, payload and both CRCs. */
    public byte[] encode() {
        Map<String, HeaderValue> values = new LinkedHashMap<>();
        headers.forEach((name, value) -> values.put(name, HeaderValue.fromString(value)));
        ByteBuffer buffer = new Message(values, payload).toByteBuffer();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    static EventStreamFrame of(Message message) {
        Map<String, String> headers = new LinkedHashMap<>();
        message.getHeaders().forEach((name, value) -> {
            if (value.getType() == software.amazon.awssdk.eventstream.HeaderType.STRING) {
                headers.put(name, value.getString());
            }
        });
        return new EventStreamFrame(headers, message.getPayload());
    }

    @Override
    public String toString() {
        return "EventStreamFrame" + headers + "[" + payload.length + " bytes]";
    }
}
