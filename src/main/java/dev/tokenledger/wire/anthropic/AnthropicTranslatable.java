package dev.tokenledger.wire.anthropic;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.WireFormat;

import static dev.tokenledger.wire.JsonFields.text;

/**
 * What an Anthropic request may use that only an Anthropic upstream can serve: server tools (web search, code
 * execution, …), MCP servers, containers, and content blocks without a canonical form (documents, search results,
 * server tool results). Sent to another format they would be lost, so they are refused with a 400 naming the field.
 * Hints that change no answer ({@code cache_control}, {@code top_k}, {@code service_tier}) and thinking blocks (which
 * are dropped for other families by design) are not refused.
 */
final class AnthropicTranslatable {

    private static final Set<String> BLOCKS = Set.of("text", "image", "tool_use", "tool_result", "thinking",
            "redacted_thinking");
    private static final Set<String> RESULT_BLOCKS = Set.of("text", "image");
    private static final Set<String> ANTHROPIC_ONLY = Set.of("mcp_servers", "container");

    private AnthropicTranslatable() {
    }

    static void check(ChatRequest request) {
        if (!request.arrivedIn(WireFormat.ANTHROPIC)) {
            return;
        }
        ObjectNode root = ((AnthropicSource) request.source().body()).body();
        for (String field : ANTHROPIC_ONLY) {
            JsonNode value = root.get(field);
            if (value != null && !value.isNull()) {
                throw refused(field, "'" + field + "'");
            }
        }
        JsonNode tools = root.path("tools");
        for (int i = 0; i < tools.size(); i++) {
            String type = text(tools.get(i), "type");
            if (type != null && !"custom".equals(type)) {
                throw refused("tools." + i, "the server tool '" + type + "' in 'tools." + i + "'");
            }
        }
        JsonNode messages = root.path("messages");
        for (int i = 0; i < messages.size(); i++) {
            JsonNode content = messages.get(i).path("content");
            for (int j = 0; j < content.size(); j++) {
                JsonNode block = content.get(j);
                String path = "messages." + i + ".content." + j;
                checkBlock(block, BLOCKS, path);
                JsonNode inner = "tool_result".equals(text(block, "type")) ? block.path("content") : null;
                for (int k = 0; inner != null && inner.isArray() && k < inner.size(); k++) {
                    checkBlock(inner.get(k), RESULT_BLOCKS, path + ".content." + k);
                }
            }
        }
    }

    private static void checkBlock(JsonNode block, Set<String> allowed, String path) {
        String type = text(block, "type");
        if (type != null && !allowed.contains(type)) {
            throw refused(path, "the '" + type + "' block in '" + path + "'");
        }
    }

    private static GatewayError refused(String param, String what) {
        return GatewayError.invalid(param, "This route's upstream does not speak the Anthropic format and cannot be sent "
                + what + "; use a model served by an Anthropic upstream, or leave it out.");
    }
}
