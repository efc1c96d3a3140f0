package dev.tokenledger.wire.anthropic;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.json.Json;

/**
 * Anthropic's model listing shape ({@code GET /v1/models} with an {@code anthropic-version} header, as Claude Code
 * and the Anthropic SDKs send it): {@code {"data":[{"type":"model","id","display_name","created_at"}],"has_more",
 * "first_id","last_id"}}, one page.
 */
public final class AnthropicModels {

    /** A fixed creation time: aliases have no meaningful one, and clients only need a date. */
    private static final String CREATED = "2025-01-01T00:00:00Z";

    private AnthropicModels() {
    }

    public static ObjectNode list(List<String> ids) {
        ObjectNode root = Json.NODES.objectNode();
        ArrayNode data = root.putArray("data");
        ids.forEach(id -> data.add(model(id)));
        root.put("has_more", false);
        if (ids.isEmpty()) {
            root.putNull("first_id").putNull("last_id");
        } else {
            root.put("first_id", ids.get(0)).put("last_id", ids.get(ids.size() - 1));
        }
        return root;
    }

    public static ObjectNode model(String id) {
        return Json.NODES.objectNode().put("type", "model").put("id", id).put("display_name", id)
                .put("created_at", CREATED);
    }
}
