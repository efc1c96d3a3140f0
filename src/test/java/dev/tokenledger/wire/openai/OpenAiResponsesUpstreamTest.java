package dev.tokenledger.wire.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.StreamLimits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chat client's request to a model served through the Responses API only: the canonical request written as a
 * Responses request, and the Responses stream read back to canonical chunks (the same at every chunk boundary).
 */
class OpenAiResponsesUpstreamTest {

    private static final StreamLimits LIMITS = new StreamLimits(1 << 20, 1 << 22);

    private static ChatRequest chat(String json) {
        return OpenAiChatRequests.toCanonical(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aChatRequestIsWrittenAsAStatelessResponsesRequestInItsOrder() {
        ChatRequest request = chat(
                """
                        {"model":"copilot/gpt-5-codex","stream":true,"max_tokens":300,"temperature":0.2,
                         "messages":[{"role":"system","content":"Be brief."},
                           {"role":"user","content":[{"type":"text","text":"Weather?"},
                             {"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"low"}}]},
                           {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                             "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
                           {"role":"tool","tool_call_id":"call_1","content":"4 °C"}],
                         "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather",
                           "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                         "tool_choice":{"type":"function","function":{"name":"get_weather"}},
                         "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"},"strict":true}}}""");
        JsonNode wire = Json.tryParseObject(OpenAiResponsesUpstreamRequests.toWire(request, "gpt-5-codex"));
        assertEquals("gpt-5-codex", wire.path("model").asText());
        assertTrue(wire.path("stream").asBoolean());
        assertFalse(wire.path("store").asBoolean(true));
        assertEquals(300, wire.path("max_output_tokens").asInt());
        JsonNode input = wire.path("input");
        assertEquals(4, input.size(), input.toString());
        assertEquals("system", input.get(0).path("role").asText());
        assertEquals("input_text", input.get(0).path("content").get(0).path("type").asText());
        assertEquals("input_image", input.get(1).path("content").get(1).path("type").asText());
        assertEquals("https://example.com/a.png", input.get(1).path("content").get(1).path("image_url").asText());
        assertEquals("function_call", input.get(2).path("type").asText());
        assertEquals("call_1", input.get(2).path("call_id").asText());
        assertEquals("{\"city\":\"Oslo\"}", input.get(2).path("arguments").asText());
        assertEquals("function_call_output", input.get(3).path("type").asText());
        assertEquals("4 °C", input.get(3).path("output").asText());
        assertEquals("get_weather", wire.path("tools").get(0).path("name").asText());
        assertEquals("function", wire.path("tools").get(0).path("type").asText());
        assertEquals("get_weather", wire.path("tool_choice").path("name").asText());
        assertEquals("json_schema", wire.path("text").path("format").path("type").asText());
        assertEquals("w", wire.path("text").path("format").path("name").asText());
        assertFalse(wire.has("messages"));

        GatewayError stop = assertThrows(GatewayError.class, () -> OpenAiResponsesUpstreamRequests.toWire(chat("""
                {"model":"m","stop":["x"],"messages":[{"role":"user","content":"hi"}]}"""), "m"));
        assertEquals("stop", stop.param());
    }

    static final String STREAM = """
            event: response.created
            data: {"type":"response.created","response":{"id":"resp_9","created_at":17,"model":"gpt-5-codex","status":"in_progress"}}

            event: response.reasoning_summary_text.delta
            data: {"type":"response.reasoning_summary_text.delta","output_index":0,"delta":"Think"}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","output_index":1,"content_index":0,"delta":"Café 🙂"}

            event: response.output_item.added
            data: {"type":"response.output_item.added","output_index":2,"item":{"type":"function_call","call_id":"call_7","name":"get_weather","arguments":""}}

            event: response.function_call_arguments.delta
            data: {"type":"response.function_call_arguments.delta","output_index":2,"delta":"{\\"city\\":"}

            event: response.function_call_arguments.delta
            data: {"type":"response.function_call_arguments.delta","output_index":2,"delta":"\\"Oslo\\"}"}

            event: response.completed
            data: {"type":"response.completed","response":{"id":"resp_9","status":"completed","usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":2},"output_tokens":9,"output_tokens_details":{"reasoning_tokens":4}}}}

            """;

    private static List<ChatChunk> decode(byte[] bytes, int step) {
        OpenAiResponsesChunkDecoder decoder = new OpenAiResponsesChunkDecoder(LIMITS);
        List<ChatChunk> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += step) {
            decoder.decode(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + step)), out::add);
        }
        decoder.end(out::add);
        assertTrue(decoder.complete());
        return out;
    }

    @Test
    void aResponsesStreamIsReadAsCanonicalChunksAtEveryBoundary() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        List<ChatChunk> whole = decode(bytes, bytes.length);
        assertEquals(List.of(new ChatChunk.Start("resp_9", "gpt-5-codex", 17),
                new ChatChunk.Reasoning(0, "Think", null, null, "openai"), new ChatChunk.Text(0, "Café 🙂"),
                new ChatChunk.ToolCallStart(0, 0, "call_7", "get_weather"),
                new ChatChunk.ToolArguments(0, 0, "{\"city\":"), new ChatChunk.ToolArguments(0, 0, "\"Oslo\"}"),
                new ChatChunk.UsageReport(new Usage(12, 2, 0, 9, 4, Usage.Source.PROVIDER, Usage.Detail.NONE)),
                new ChatChunk.Finish(0, "tool_calls", null)), whole);
        for (int step = 1; step < 40; step++) {
            assertEquals(whole, decode(bytes, step), "split every " + step + " bytes");
        }
    }

    @Test
    void aFailedResponseEndsTheStreamWithTheUpstreamsError() {
        OpenAiResponsesChunkDecoder decoder = new OpenAiResponsesChunkDecoder(LIMITS);
        byte[] failed = """
                event: response.failed
                data: {"type":"response.failed","response":{"id":"r","status":"failed","error":{"code":"server_error","message":"boom"}}}

                """
                .getBytes(StandardCharsets.UTF_8);
        GatewayError error = assertThrows(GatewayError.class, () -> decoder.decode(failed, c -> {
        }));
        assertEquals("boom", error.getMessage());
        assertFalse(decoder.complete());
    }
}
