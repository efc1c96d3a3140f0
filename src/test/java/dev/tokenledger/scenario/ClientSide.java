package dev.tokenledger.scenario;

import java.util.Map;

/**
 * A client wire format in the scenario suite: builds each case's request as that format's SDK would send it, and
 * reads what the gateway answered back into {@link Observed}. Implementations live beside the suite, one per format,
 * registered in {@link ScenarioFormats#CLIENTS}.
 */
public interface ClientSide {

    /** Short name shown in test names, e.g. {@code openai-chat}. */
    String name();

    /** The request for a case, addressed to {@code model} (a gateway alias). */
    Request request(ScenarioCase c, String model);

    /**
     * What the client got.
     *
     * @param status the HTTP status
     * @param body the whole body: JSON, or the complete event stream for streamed cases
     */
    Observed read(ScenarioCase c, int status, byte[] body);

    /**
     * An HTTP request to the gateway.
     *
     * @param path the path and query, e.g. {@code /v1/chat/completions}
     * @param headers request headers except the key; the key goes in {@link #authHeader()}
     */
    record Request(String path, Map<String, String> headers, byte[] body) {
    }

    /** The header this format's SDK sends the key in, e.g. {@code Authorization} (value {@code Bearer <key>}). */
    default String authHeader() {
        return "Authorization";
    }

    /** The header value carrying a key: a bearer token in {@code Authorization}, the key itself in a header of its own. */
    default String authValue(String key) {
        return authHeader().equals("Authorization") ? "Bearer " + key : key;
    }

    /** Whether this format carries tool-call ids to the client (Gemini does not). */
    default boolean showsToolCallIds() {
        return true;
    }
}
