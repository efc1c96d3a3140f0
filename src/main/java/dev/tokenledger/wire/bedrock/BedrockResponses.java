package dev.tokenledger.wire.bedrock;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;

/**
 * A Converse answer ({@code output.message}, {@code stopReason}, {@code usage}, {@code serviceTier}) as the canonical
 * response. Converse answers name neither an id nor the model: the id is made here, the model is left to the caller.
 */
public final class BedrockResponses {

    private BedrockResponses() {
    }

    /**
     * @param created the creation time to report, in epoch seconds
     */
    public static ChatResponse toCanonical(byte[] body, long created) {
        ObjectNode root = Json.tryParseObject(body);
        JsonNode content = root == null ? null : root.path("output").path("message").get("content");
        if (content == null || !content.isArray()) {
            throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream answered with a malformed message.",
                    "upstream_malformed_response");
        }
        Message message = BedrockBlocks.assistantToCanonical(content);
        String finish = BedrockStopReasons.toCanonical(root.path("stopReason").asText(null));
        return new ChatResponse("msg_bdrk_" + UUID.randomUUID().toString().replace("-", ""), null, created,
                List.of(new ChatResponse.Choice(0, message, finish)), usage(root), null);
    }

    /** The usage of an answer (fast path); null when absent. */
    public static Usage usage(byte[] body) {
        ObjectNode root = Json.tryParseObject(body);
        return root == null ? null : usage(root);
    }

    private static Usage usage(ObjectNode root) {
        return BedrockUsage.read(root.get("usage"), root.path("serviceTier").path("type").asText(null));
    }
}
