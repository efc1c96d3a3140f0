package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.json.Json;

/**
 * Pure mapping of a complete canonical answer to an OpenAI {@code chat.completion.chunk} event stream, as an upstream
 * would have streamed it: per choice a role and content chunk, one chunk per tool call, a closing chunk with the
 * finish reason; then the usage chunk when the client asked for it, and {@code [DONE]}.
 */
public final class OpenAiChatStreams {

    private OpenAiChatStreams() {
    }

    public static byte[] toEvents(ChatResponse response, boolean includeUsage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ChatResponse.Choice choice : response.choices()) {
            ObjectNode delta = Json.NODES.objectNode().put("role", choice.message().role());
            delta.put("content", choice.message().content().isEmpty() ? "" : choice.message().text());
            OpenAiSse.event(chunk(response, choice.index(), delta, null), out);
            List<ToolCall> calls = choice.message().toolCalls();
            for (int i = 0; i < calls.size(); i++) {
                ObjectNode toolDelta = Json.NODES.objectNode();
                ObjectNode call = toolDelta.putArray("tool_calls").addObject().put("index", i)
                        .put("id", calls.get(i).id()).put("type", "function");
                call.putObject("function").put("name", calls.get(i).name()).put("arguments", calls.get(i).arguments());
                OpenAiSse.event(chunk(response, choice.index(), toolDelta, null), out);
            }
            OpenAiSse.event(chunk(response, choice.index(), Json.NODES.objectNode(), choice.finishReason()), out);
        }
        OpenAiSse.end(includeUsage, () -> base(response), response.usage(), out);
        return out.toByteArray();
    }

    private static ObjectNode chunk(ChatResponse response, int index, ObjectNode delta, String finishReason) {
        ObjectNode chunk = base(response);
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode c = choices.addObject().put("index", index);
        c.set("delta", delta);
        c.put("finish_reason", finishReason);
        return chunk;
    }

    private static ObjectNode base(ChatResponse response) {
        ObjectNode chunk = Json.NODES.objectNode();
        chunk.put("id", response.id());
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", response.created());
        chunk.put("model", response.model());
        return chunk;
    }
}
