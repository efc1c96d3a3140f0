package dev.tokenledger.wire.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;

/** Pure handling of OpenAI embeddings requests and answers. */
public final class OpenAiEmbeddings {

    private OpenAiEmbeddings() {
    }

    /** Parses and validates an inbound embeddings request. */
    public static ObjectNode parse(byte[] body) {
        ObjectNode root = Json.parseObject(body);
        JsonNode model = root.get("model");
        if (model == null || model.isNull()) {
            throw GatewayError.invalid("model", "Missing required parameter: 'model'.");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw GatewayError.invalid("model", "Invalid type for 'model': expected a non-empty string.");
        }
        JsonNode input = root.get("input");
        if (input == null || input.isNull()) {
            throw GatewayError.invalid("input", "Missing required parameter: 'input'.");
        }
        if (!input.isTextual() && !input.isArray()) {
            throw GatewayError.invalid("input", "Invalid type for 'input': expected a string or an array.");
        }
        if (input.isArray()) {
            if (input.isEmpty()) {
                throw GatewayError.invalid("input", "'input' must not be empty.");
            }
            for (JsonNode item : input) {
                if (!item.isTextual() && !item.isIntegralNumber() && !item.isArray()) {
                    throw GatewayError.invalid("input", "Invalid type in 'input': expected strings or token arrays.");
                }
            }
        }
        return root;
    }

    /** The request body for an upstream: the client's, with the upstream model in place. */
    public static byte[] toWire(ObjectNode request, String upstreamModel) {
        ObjectNode copy = request.deepCopy();
        copy.put("model", upstreamModel);
        return Json.write(copy);
    }

    /** The texts to embed, joined, for estimating usage an upstream did not report. */
    public static String text(ObjectNode request) {
        JsonNode input = request.get("input");
        if (input.isTextual()) {
            return input.asText();
        }
        StringBuilder sb = new StringBuilder();
        input.forEach(item -> sb.append(item.isTextual() ? item.asText() : "").append('\n'));
        return sb.toString();
    }

    /** The usage of an embeddings answer, or null. */
    public static Usage usage(byte[] body) {
        ObjectNode root = Json.tryParseObject(body);
        if (root == null || !root.path("usage").isObject()) {
            return null;
        }
        return new Usage(root.get("usage").path("prompt_tokens").asLong(0), 0, 0, 0, 0, Usage.Source.PROVIDER);
    }
}
