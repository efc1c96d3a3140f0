package dev.tokenledger.wire.gemini;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.json.Json;

/**
 * Collects a JSON object written outside SSE framing, line by line, as Google does with an error that ends a stream
 * ({@code {"error":{…}}}, possibly pretty-printed over several lines). Lines before an opening brace are ignored.
 */
final class GeminiBareJson {

    private static final int MAX_CHARS = 1 << 16;

    private final StringBuilder text = new StringBuilder();

    /**
     * Adds one line.
     *
     * @return the object once the lines so far make one, else null
     */
    ObjectNode add(String line) {
        if (text.isEmpty() && !line.stripLeading().startsWith("{")) {
            return null;
        }
        if (text.length() < MAX_CHARS) {
            text.append(line).append('\n');
        }
        ObjectNode object = line.stripTrailing().endsWith("}") ? Json.tryParseObject(text.toString()) : null;
        if (object != null) {
            text.setLength(0);
        }
        return object;
    }

    /** Whether lines of an unfinished object are waiting. */
    boolean pending() {
        return !text.isEmpty();
    }
}
