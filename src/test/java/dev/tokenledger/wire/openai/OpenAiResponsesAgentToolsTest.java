package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Codex's tools and items on the translated route, both ways, and the lenient reading for the pass-through. */
class OpenAiResponsesAgentToolsTest {

    private static final String REQUEST = """
            {"model":"m","stream":true,"input":[{"role":"user","content":"Go"},
              {"type":"tool_search_call","call_id":"ts_1","execution":"client","arguments":{"query":"files"}},
              {"type":"tool_search_output","call_id":"ts_1","tools":[{"type":"function","name":"found",
                "parameters":{"type":"object"}}]},
              {"type":"function_call","call_id":"c_1","namespace":"mcp__fs","name":"read","arguments":"{}"},
              {"type":"function_call_output","call_id":"c_1","output":"text"}],
             "tools":[{"type":"namespace","name":"mcp__fs","tools":[{"type":"function","name":"read"}]},
              {"type":"custom","name":"apply_patch"},{"type":"tool_search","execution":"client"}],
             "tool_choice":{"type":"custom","name":"apply_patch"}}""";

    private static ChatRequest request(String json, boolean strict) {
        return OpenAiResponsesRequests.toCanonical(Json.parseObject(json.getBytes(StandardCharsets.UTF_8)), strict);
    }

    @Test
    void toolsAndItemsBecomeFunctionsCallsAndResults() {
        ChatRequest r = request(REQUEST, true);
        assertEquals(List.of("mcp__fs__read", "apply_patch", "tool_search", "found"),
                r.tools().stream().map(t -> t.name()).toList());
        assertEquals(OpenAiCustomTools.schema(null), r.tools().get(1).parameters());
        assertEquals(List.of(new ToolCall("ts_1", "tool_search", "{\"query\":\"files\"}")), r.messages().get(1).toolCalls());
        assertEquals("ts_1", r.messages().get(2).toolCallId());
        assertEquals("mcp__fs__read", r.messages().get(3).toolCalls().get(0).name());
        assertEquals(java.util.Map.of("type", "function", "function", java.util.Map.of("name", "apply_patch")),
                r.toolChoice());
    }

    @Test
    void streamedCallsComeBackAsTheClientsItems() {
        ChatRequest r = request(REQUEST, false);
        OpenAiResponsesChunkEncoder encoder = new OpenAiResponsesChunkEncoder(OpenAiResponsesTools.of(r));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoder.encode(new ChatChunk.Start("x", "m", 1), out);
        encoder.encode(new ChatChunk.ToolCallStart(0, 0, "call_p", "apply_patch"), out);
        encoder.encode(new ChatChunk.ToolArguments(0, 0, "{\"input\":\"*** Begin"), out);
        encoder.encode(new ChatChunk.ToolArguments(0, 0, " Patch\"}"), out);
        encoder.encode(new ChatChunk.ToolCallStart(0, 1, "call_r", "mcp__fs__read"), out);
        encoder.encode(new ChatChunk.ToolArguments(0, 1, "{}"), out);
        encoder.encode(new ChatChunk.Finish(0, "tool_calls", null), out);
        encoder.finish(new Usage(1, 0, 0, 1, 0, Usage.Source.PROVIDER, Usage.Detail.NONE), out);
        String sse = out.toString(StandardCharsets.UTF_8);
        assertTrue(sse.contains("\"type\":\"response.custom_tool_call_input.done\""), sse);
        assertFalse(sse.contains("{\\\"input\\\""), "the custom tool's input is never shown as function arguments");
        String last = sse.substring(sse.lastIndexOf("data: ") + 6).trim();
        ObjectNode completed = Json.parseObject(last.getBytes(StandardCharsets.UTF_8));
        assertEquals("custom_tool_call", completed.at("/response/output/0/type").asText());
        assertEquals("*** Begin Patch", completed.at("/response/output/0/input").asText());
        assertEquals("function_call", completed.at("/response/output/1/type").asText());
        assertEquals("mcp__fs", completed.at("/response/output/1/namespace").asText());
        assertEquals("read", completed.at("/response/output/1/name").asText());
    }

    @Test
    void builtInToolsAndStoredStateAreSkippedLenientlyAndRefusedStrictly() {
        String body = "{\"model\":\"m\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"},"
                + "{\"type\":\"input_text\",\"text\":\"Hi\"}]}],\"previous_response_id\":\"resp_1\","
                + "\"tools\":[{\"type\":\"web_search\"}],\"tool_choice\":{\"type\":\"web_search\"}}";
        ChatRequest lenient = request(body, false);
        assertEquals(WireFormat.OPENAI_RESPONSES, lenient.source().format());
        assertEquals("Hi", lenient.messages().get(0).text());
        assertTrue(lenient.tools().isEmpty());
        GatewayError e = assertThrows(GatewayError.class, () -> request(body, true));
        assertEquals(ErrorKind.NOT_FOUND, e.kind(), "a previous response the gateway did not store is unknown");
        assertEquals("previous_response_id", e.param());
        GatewayError hosted = assertThrows(GatewayError.class, () -> request("{\"model\":\"m\",\"input\":\"Hi\","
                + "\"tools\":[{\"type\":\"web_search\"}],\"tool_choice\":\"required\"}", true));
        assertEquals("tools[0].type", hosted.param());
    }

    /** Codex offers web search by default: offered, a tool only OpenAI runs is left out of a translated request. */
    @Test
    void anOfferedBuiltInToolIsLeftOutWhenTranslated() {
        ChatRequest translated = request("{\"model\":\"m\",\"input\":\"Hi\",\"tools\":[{\"type\":\"web_search\"},"
                + "{\"type\":\"function\",\"name\":\"f\"}],\"tool_choice\":\"auto\"}", true);
        assertEquals(List.of("f"), translated.tools().stream().map(ToolSpec::name).toList());
        assertEquals("auto", translated.toolChoice());
    }

    @Test
    void aPassThroughBodyKeepsEverythingButTheModel() {
        ChatRequest r = request(REQUEST, false);
        ObjectNode sent = Json.parseObject(OpenAiResponsesRequests.toWire(r, "gpt-5"));
        ObjectNode expected = Json.parseObject(REQUEST.getBytes(StandardCharsets.UTF_8));
        expected.put("model", "gpt-5");
        assertEquals(expected, sent);
    }
}
