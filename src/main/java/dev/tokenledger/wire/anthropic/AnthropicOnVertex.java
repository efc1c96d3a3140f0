package dev.tokenledger.wire.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.json.Json;

/**
 * The Anthropic Messages body as Vertex AI's {@code rawPredict} / {@code streamRawPredict} take it: the same body
 * without {@code model} (the model is in the URL) and with {@code anthropic_version} (e.g.
 * {@code vertex-2023-10-16}) in place of the {@code anthropic-version} header.
 */
public final class AnthropicOnVertex {

    private AnthropicOnVertex() {
    }

    /** The Vertex body of an Anthropic request body written by this format's upstream codec. */
    public static byte[] toVertex(byte[] body, String anthropicVersion) {
        ObjectNode root = Json.parseObject(body);
        root.remove("model");
        root.put("anthropic_version", anthropicVersion);
        return Json.write(root);
    }
}
