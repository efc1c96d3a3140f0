package dev.tokenledger.wire.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.anthropic.AnthropicRequests;

/**
 * Where an Anthropic client asked for prompt caching ({@code cache_control} on system blocks, tools and message
 * blocks), as Converse {@code cachePoint}s: after the system prompt, after the tools, and at the end of each marked
 * turn. Turns are matched by position, which holds because both formats group a conversation into the same
 * alternating turns; when the counts differ no turn is marked. Requests in other formats carry no marks.
 *
 * @param system the TTL of the system prompt's mark ({@code ""} for the default), or null
 * @param tools the TTL of the tools' mark, or null
 * @param source the client's messages, or null
 */
record BedrockCachePoints(String system, String tools, JsonNode source) {

    private static final BedrockCachePoints NONE = new BedrockCachePoints(null, null, null);

    static BedrockCachePoints of(ChatRequest request) {
        ObjectNode body = request.arrivedIn(WireFormat.ANTHROPIC) ? AnthropicRequests.sourceBody(request) : null;
        if (body == null) {
            return NONE;
        }
        return new BedrockCachePoints(mark(body.get("system")), mark(body.get("tools")), body.get("messages"));
    }

    /** The TTL of turn {@code index} of {@code turns}, or null when it is not marked. */
    String turn(int index, int turns) {
        if (source == null || !source.isArray() || source.size() != turns) {
            return null;
        }
        return mark(source.get(index).get("content"));
    }

    /** The TTL of the last {@code cache_control} among blocks ({@code ""}: the default five minutes), or null. */
    private static String mark(JsonNode blocks) {
        String ttl = null;
        if (blocks != null && blocks.isArray()) {
            for (JsonNode block : blocks) {
                JsonNode control = block.get("cache_control");
                if (control != null && control.isObject()) {
                    ttl = control.path("ttl").asText("");
                }
            }
        }
        return ttl;
    }
}
