package dev.tokenledger.wire.gemini;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;

/**
 * Gemini {@code countTokens}: the request is {@code {contents}} or {@code {generateContentRequest}}, the answer
 * {@code {totalTokens}}.
 */
public final class GeminiTokenCounts {

    private GeminiTokenCounts() {
    }

    /** The request whose prompt is to be counted, as a canonical (non-streaming) request. */
    public static ChatRequest toCanonical(byte[] body, String model) {
        ObjectNode root = Json.parseObject(body);
        JsonNode inner = GeminiFields.get(root, "generateContentRequest");
        if (inner != null) {
            if (!inner.isObject()) {
                throw GatewayError.invalid("generateContentRequest",
                        "Invalid value at 'generateContentRequest': expected an object.");
            }
            return GeminiRequests.toCanonical((ObjectNode) inner, model, false);
        }
        return GeminiRequests.toCanonical(root, model, false);
    }

    /** The upstream {@code countTokens} body for a canonical request. */
    public static byte[] toWire(ChatRequest request, String upstreamModel) {
        ObjectNode inner = (ObjectNode) Json.tryParseObject(GeminiRequests.toWire(request, upstreamModel));
        inner.put("model", "models/" + upstreamModel);
        ObjectNode root = Json.NODES.objectNode();
        root.set("generateContentRequest", inner);
        return Json.write(root);
    }

    /** The total of an upstream answer. */
    public static long totalTokens(byte[] body) {
        ObjectNode root = Json.tryParseObject(body);
        if (root == null || !root.path("totalTokens").canConvertToLong()) {
            throw dev.tokenledger.wire.SseChunkDecoder.protocolError("The upstream answered countTokens without totalTokens.");
        }
        return root.get("totalTokens").asLong();
    }

    public static byte[] answer(long totalTokens) {
        return ("{\"totalTokens\":" + totalTokens + "}").getBytes(StandardCharsets.UTF_8);
    }
}
