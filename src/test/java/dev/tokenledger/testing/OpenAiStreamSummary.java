package dev.tokenledger.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;

/** An OpenAI chat stream as a client sees it, in short, for tests that compare streams across chunk boundaries. */
public final class OpenAiStreamSummary {

    private OpenAiStreamSummary() {
    }

    /**
     * The stream's reasoning text (when any), text (when any), each tool call as {@code id name arguments}, then the
     * finish reason, usage and how it ended ({@code done} or {@code error=<code>}).
     */
    public static String of(byte[] stream) {
        List<SseEvent> events = new ArrayList<>();
        new SseDecoder(1 << 20, 1 << 22).feed(stream, events::add);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder text = new StringBuilder();
        List<StringBuilder> calls = new ArrayList<>();
        StringBuilder tail = new StringBuilder();
        for (SseEvent event : events) {
            if (event.data().equals("[DONE]")) {
                tail.append(" done");
                continue;
            }
            JsonNode chunk = Golden.tree(event.data().getBytes(StandardCharsets.UTF_8));
            if (chunk.has("error")) {
                tail.append("error=").append(chunk.path("error").path("code").asText());
                continue;
            }
            for (JsonNode choice : chunk.path("choices")) {
                JsonNode delta = choice.path("delta");
                reasoning.append(delta.path("reasoning_content").asText(""));
                text.append(delta.path("content").asText(""));
                for (JsonNode call : delta.path("tool_calls")) {
                    int index = call.path("index").asInt();
                    while (calls.size() <= index) {
                        calls.add(new StringBuilder());
                    }
                    if (call.has("id")) {
                        calls.get(index).append(call.get("id").asText()).append(' ')
                                .append(call.path("function").path("name").asText()).append(' ');
                    }
                    calls.get(index).append(call.path("function").path("arguments").asText(""));
                }
                if (choice.hasNonNull("finish_reason")) {
                    tail.append("finish=").append(choice.get("finish_reason").asText());
                }
            }
            if (chunk.path("usage").isObject()) {
                tail.append(" usage=").append(chunk.path("usage").path("prompt_tokens").asInt()).append('/')
                        .append(chunk.path("usage").path("completion_tokens").asInt());
            }
        }
        return lines(reasoning, text, calls, tail);
    }

    /**
     * A stream's summary from its parts: {@code reasoning=} and {@code text=} lines when they are not empty, a line a
     * tool call, then {@code tail} (finish, usage, end), the same whatever format the stream was in.
     */
    public static String lines(CharSequence reasoning, CharSequence text, List<? extends CharSequence> calls,
            Object tail) {
        StringBuilder sb = new StringBuilder();
        if (!reasoning.isEmpty()) {
            sb.append("reasoning=").append(reasoning).append('\n');
        }
        if (!text.isEmpty()) {
            sb.append("text=").append(text).append('\n');
        }
        calls.forEach(c -> sb.append(c).append('\n'));
        return sb.append(tail).toString();
    }
}
