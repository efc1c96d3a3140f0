package dev.tokenledger.wire.anthropic;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;

/**
 * {@code POST /v1/messages/count_tokens}: the request is a Messages body without {@code max_tokens} and sampling
 * fields, the answer {@code {"input_tokens":n}}.
 */
public final class AnthropicTokenCounts {

    /** The fields count_tokens accepts; the rest of a Messages body is dropped, since the endpoint rejects it. */
    private static final Set<String> ACCEPTED = Set.of("model", "messages", "system", "tools", "tool_choice", "thinking",
            "output_config", "mcp_servers", "context_management");

    private AnthropicTokenCounts() {
    }

    public static ChatRequest toCanonical(byte[] body) {
        return toCanonical(body, null);
    }

    /** @param beta the client's {@code anthropic-beta} header, or null */
    public static ChatRequest toCanonical(byte[] body, String beta) {
        return AnthropicRequests.toCanonical(body, false, beta);
    }

    /** The upstream count_tokens body for a canonical request. */
    public static byte[] toWire(ChatRequest request, String upstreamModel) {
        ObjectNode root = AnthropicRequests.toWireTree(request, upstreamModel);
        root.retain(ACCEPTED);
        return Json.write(root);
    }

    /** The input token count of a count_tokens answer. */
    public static long inputTokens(byte[] body) {
        ObjectNode root = Json.tryParseObject(body);
        JsonNode count = root == null ? null : root.get("input_tokens");
        if (count == null || !count.canConvertToLong()) {
            throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream answered count_tokens without "
                    + "input_tokens.", "upstream_malformed_response");
        }
        return count.asLong();
    }

    public static byte[] responseToWire(long inputTokens) {
        return Json.write(Json.NODES.objectNode().put("input_tokens", inputTokens));
    }
}
