package dev.tokenledger.wire.openai;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;

/**
 * Pure mapping of the Responses API's stored responses, for a gateway that keeps them itself: a turn is the input
 * items a request added and the response object it was answered with; a request that names a
 * {@code previous_response_id} is continued by putting the items of every earlier turn (input, then output) before its
 * own input, as OpenAI does (earlier {@code instructions} are not carried over).
 */
public final class OpenAiStoredResponses {

    /** Longest response id looked up; a longer one is unknown without a look-up. */
    public static final int MAX_ID_LENGTH = 200;

    /** One earlier turn: its input items and its response object, as JSON text. */
    public record Turn(String input, String response) {
    }

    private static final byte[] COMPLETED = "event: response.completed\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INCOMPLETE = "event: response.incomplete\n".getBytes(StandardCharsets.US_ASCII);

    private OpenAiStoredResponses() {
    }

    /** The response a request continues, or null when it names none (or not as a string). */
    public static String previousId(ObjectNode request) {
        JsonNode id = request.get("previous_response_id");
        return id != null && id.isTextual() ? id.asText() : null;
    }

    /** Whether a request asks for its response to be stored: {@code store} is true unless it is {@code false}. */
    public static boolean stores(ObjectNode request) {
        JsonNode store = request.get("store");
        return store == null || !store.isBoolean() || store.asBoolean();
    }

    /** The input items of a request: an input string as one user message, items as they came. */
    public static ArrayNode inputItems(ObjectNode request) {
        JsonNode input = request.get("input");
        if (input != null && input.isArray()) {
            return (ArrayNode) input.deepCopy();
        }
        ArrayNode items = Json.NODES.arrayNode();
        if (input != null && input.isTextual()) {
            ObjectNode message = items.addObject().put("type", "message").put("role", "user");
            message.putArray("content").addObject().put("type", "input_text").put("text", input.asText());
        }
        return items;
    }

    /**
     * The request that continues earlier turns: without {@code previous_response_id}, its input preceded by each
     * turn's input items and output items. Output items go back without their ids (the upstream never stored them)
     * and reasoning items only with their {@code encrypted_content} (other reasoning cannot be read back by anyone).
     */
    public static ObjectNode continued(ObjectNode request, List<Turn> turns) {
        ObjectNode body = request.deepCopy();
        body.remove("previous_response_id");
        ArrayNode input = Json.NODES.arrayNode();
        for (Turn turn : turns) {
            tree(turn.input()).forEach(input::add);
            for (JsonNode item : tree(turn.response()).path("output")) {
                if (!item.isObject() || "reasoning".equals(item.path("type").asText())
                        && !item.path("encrypted_content").isTextual()) {
                    continue;
                }
                ObjectNode copy = ((ObjectNode) item).deepCopy();
                copy.remove("id");
                input.add(copy);
            }
        }
        input.addAll(inputItems(request));
        body.set("input", input);
        return body;
    }

    /** The response object of an answer body, when the response finished (completed or incomplete); else null. */
    public static ObjectNode finished(byte[] body) {
        ObjectNode response = Json.tryParseObject(body);
        return response != null && isFinished(response) ? response : null;
    }

    /**
     * The response object of the event that ends a stream ({@code response.completed} or
     * {@code response.incomplete}) when a chunk of whole events holds it; else null.
     */
    public static ObjectNode finishedInStream(byte[] events) {
        int at = indexOf(events, COMPLETED);
        if (at < 0) {
            at = indexOf(events, INCOMPLETE);
        }
        if (at < 0) {
            return null;
        }
        String rest = new String(events, at, events.length - at, StandardCharsets.UTF_8);
        for (String line : rest.split("\r?\n")) {
            if (line.startsWith("data:")) {
                ObjectNode event = Json.tryParseObject(line.substring(5).trim().getBytes(StandardCharsets.UTF_8));
                JsonNode response = event == null ? null : event.get("response");
                return response instanceof ObjectNode r && isFinished(r) ? r : null;
            }
        }
        return null;
    }

    private static boolean isFinished(ObjectNode response) {
        String status = response.path("status").asText();
        return "response".equals(response.path("object").asText()) && response.path("id").isTextual()
                && ("completed".equals(status) || "incomplete".equals(status));
    }

    /** The response object as it is stored and read back: with the request's {@code previous_response_id} and store. */
    public static ObjectNode stored(ObjectNode response, String previousId) {
        ObjectNode copy = response.deepCopy();
        if (previousId == null) {
            copy.putNull("previous_response_id");
        } else {
            copy.put("previous_response_id", previousId);
        }
        return copy.put("store", true);
    }

    /** The answer to {@code DELETE /v1/responses/{id}}. */
    public static ObjectNode deleted(String id) {
        return Json.NODES.objectNode().put("id", id).put("object", "response.deleted").put("deleted", true);
    }

    /** A response this caller has not stored (unknown, expired, deleted or another tenant's): OpenAI's 404. */
    public static GatewayError notFound(String id) {
        return new GatewayError(ErrorKind.NOT_FOUND, "Response with id '" + shown(id) + "' not found.", null, null, 0,
                null);
    }

    /** A {@code previous_response_id} that names no response this caller may continue: OpenAI's 404. */
    public static GatewayError previousNotFound(String id) {
        return new GatewayError(ErrorKind.NOT_FOUND, "Previous response with id '" + shown(id) + "' not found.",
                "previous_response_id", "previous_response_not_found", 0, null);
    }

    /** A client's id as an error message may show it: bounded. */
    private static String shown(String id) {
        return id.length() <= MAX_ID_LENGTH ? id : id.substring(0, MAX_ID_LENGTH) + "…";
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("A stored response is not JSON", e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer : for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
