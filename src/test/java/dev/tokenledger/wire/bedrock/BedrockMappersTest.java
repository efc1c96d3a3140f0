package dev.tokenledger.wire.bedrock;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.wire.anthropic.AnthropicRequests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Converse request writer and answer reader against the shapes of the Converse API reference. */
class BedrockMappersTest {

    private static JsonNode wire(ChatRequest request) {
        return Golden.tree(BedrockRequests.toWire(request, "m"));
    }

    @Test
    void aJsonSchemaBecomesConverseStructuredOutputAndJsonModeWithoutOneIsRefused() {
        Map<String, Object> schema = Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")));
        ChatRequest request = ChatRequest.builder("alias", null)
                .messages(List.of(new Message("user", List.of(new ContentPart.Text("City?")), null, null, null)))
                .responseFormat(Map.of("type", "json_schema", "json_schema", Map.of("name", "place", "description",
                        "A city", "strict", true, "schema", schema)))
                .build();
        JsonNode format = wire(request).path("outputConfig").path("textFormat");
        assertEquals("json_schema", format.path("type").asText());
        JsonNode definition = format.path("structure").path("jsonSchema");
        assertEquals("place", definition.path("name").asText());
        assertEquals("A city", definition.path("description").asText());
        assertTrue(definition.path("schema").isTextual(), "Converse takes the schema as a JSON string");
        assertEquals(Golden.tree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"
                .getBytes(StandardCharsets.UTF_8)), Golden.tree(
                        definition.path("schema").asText()
                                .getBytes(StandardCharsets.UTF_8)));

        ChatRequest jsonMode = ChatRequest.builder("alias", null)
                .messages(List.of(new Message("user", List.of(new ContentPart.Text("City?")), null, null, null)))
                .responseFormat(Map.of("type", "json_object")).build();
        GatewayError refused = assertThrows(GatewayError.class, () -> wire(jsonMode));
        assertEquals("response_format", refused.param());
        ChatRequest text = ChatRequest.builder("alias", null)
                .messages(List.of(new Message("user", List.of(new ContentPart.Text("City?")), null, null, null)))
                .responseFormat(Map.of("type", "text")).build();
        assertFalse(wire(text).has("outputConfig"));
    }

    @Test
    void systemTurnsImagesToolsAndReasoningBecomeConverseBlocks() {
        ChatRequest request = ChatRequest.builder("alias", null).messages(List.of(
                new Message("system", List.of(new ContentPart.Text("Be brief.")), null, null, null),
                new Message("user", List.of(new ContentPart.Text("Weather?"),
                        new ContentPart.Image(null, "image/jpeg", "AAAA", null)), null, null, null),
                new Message("assistant", List.of(new ContentPart.Reasoning("think", "sig", null, "anthropic"),
                        new ContentPart.Reasoning("foreign", "gsig", null, "gemini")),
                        List.of(new ToolCall("tooluse_1", "get_weather", "{\"city\":\"Lyon\"}")), null, null),
                new Message("tool", List.of(new ContentPart.Text("{\"t\":12}")), null, "tooluse_1", null),
                new Message("user", List.of(new ContentPart.Text("And now?")), null, null, null)))
                .tools(List.of(new ToolSpec("get_weather", "Weather", Map.of("type", "object"), null)), "required", null)
                .sampling(100, 0.5, 0.9, List.of("END")).build();
        JsonNode body = wire(request);
        assertEquals(Golden.tree("""
                {"messages":[
                  {"role":"user","content":[{"text":"Weather?"},{"image":{"format":"jpeg","source":{"bytes":"AAAA"}}}]},
                  {"role":"assistant","content":[{"reasoningContent":{"reasoningText":{"text":"think","signature":"sig"}}},
                    {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Lyon"}}}]},
                  {"role":"user","content":[{"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"{\\"t\\":12}"}],
                    "status":"success"}},{"text":"And now?"}]}],
                 "system":[{"text":"Be brief."}],
                 "inferenceConfig":{"maxTokens":100,"temperature":0.5,"topP":0.9,"stopSequences":["END"]},
                 "toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","description":"Weather",
                   "inputSchema":{"json":{"type":"object"}}}}],"toolChoice":{"any":{}}}}
                """.getBytes(StandardCharsets.UTF_8)), body);
    }

    @Test
    void reasoningEffortBecomesAnthropicThinkingAndImageUrlsAreRefused() {
        ChatRequest thinking = ChatRequest.builder("alias", null)
                .messages(List.of(new Message("user", List.of(new ContentPart.Text("Hi")), null, null, null)))
                .reasoning(new ChatRequest.Reasoning("low", null)).build();
        JsonNode body = wire(thinking);
        assertEquals(1024, body.path("additionalModelRequestFields").path("thinking").path("budget_tokens").asInt());
        assertEquals(1024 + 4096, body.path("inferenceConfig").path("maxTokens").asInt());

        ChatRequest url = ChatRequest.builder("alias", null).messages(List.of(new Message("user",
                List.of(new ContentPart.Image("https://example.com/cat.png", null, null, null)), null, null, null)))
                .build();
        GatewayError refused = assertThrows(GatewayError.class, () -> wire(url));
        assertTrue(refused.getMessage().contains("messages[0].content[0]"), refused.getMessage());
    }

    @Test
    void anAnthropicClientsCacheMarksBecomeCachePoints() {
        ChatRequest request = AnthropicRequests.toCanonical("""
                {"model":"m","max_tokens":10,
                 "system":[{"type":"text","text":"Long rules","cache_control":{"type":"ephemeral","ttl":"1h"}}],
                 "tools":[{"name":"t","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"Hi","cache_control":{"type":"ephemeral"}}]},
                   {"role":"assistant","content":"Hello"},{"role":"user","content":"More"}]}
                """.getBytes(StandardCharsets.UTF_8));
        JsonNode body = wire(request);
        assertEquals(Golden.tree("[{\"text\":\"Long rules\"},{\"cachePoint\":{\"type\":\"default\",\"ttl\":\"1h\"}}]"
                .getBytes(StandardCharsets.UTF_8)), body.get("system"));
        assertEquals("{\"cachePoint\":{\"type\":\"default\"}}", body.path("toolConfig").path("tools").get(1).toString());
        assertEquals("{\"cachePoint\":{\"type\":\"default\"}}", body.path("messages").get(0).path("content").get(1)
                .toString());
        assertFalse(body.path("messages").get(2).path("content").toString().contains("cachePoint"));
    }

    @Test
    void anAnswerWithReasoningToolUseAndCacheUsageIsRead() {
        ChatResponse response = BedrockResponses.toCanonical("""
                {"output":{"message":{"role":"assistant","content":[
                  {"reasoningContent":{"reasoningText":{"text":"hmm","signature":"s1"}}},
                  {"text":"Calling."},{"toolUse":{"toolUseId":"tooluse_9","name":"f","input":{"a":1}}}]}},
                 "stopReason":"tool_use",
                 "usage":{"inputTokens":3,"outputTokens":7,"totalTokens":110,"cacheReadInputTokens":80,
                   "cacheWriteInputTokens":20,"cacheDetails":[{"ttl":"1h","inputTokens":20}]},
                 "metrics":{"latencyMs":10},"serviceTier":{"type":"priority"}}
                """.getBytes(StandardCharsets.UTF_8), 1);
        ChatResponse.Choice choice = response.choices().get(0);
        assertEquals("tool_calls", choice.finishReason());
        assertEquals(List.of(new ContentPart.Reasoning("hmm", "s1", null, "anthropic"), new ContentPart.Text("Calling.")),
                choice.message().content());
        assertEquals(List.of(new ToolCall("tooluse_9", "f", "{\"a\":1}")), choice.message().toolCalls());
        Usage usage = response.usage();
        assertEquals(103, usage.promptTokens());
        assertEquals(80, usage.cachedPromptTokens());
        assertEquals(20, usage.cacheWriteTokens());
        assertEquals(20, usage.detail().cacheWrite1hTokens());
        assertEquals(7, usage.completionTokens());
        assertEquals("priority", usage.detail().serviceTier());
        assertEquals("length", BedrockStopReasons.toCanonical("model_context_window_exceeded"));
        assertEquals("content_filter", BedrockStopReasons.toCanonical("guardrail_intervened"));
    }

    @Test
    void invokeBodiesAreAnthropicBodiesWithoutModelOrStream() {
        JsonNode body = Golden.tree(BedrockInvoke.toInvokeBody(
                "{\"model\":\"m\",\"stream\":true,\"max_tokens\":5,\"messages\":[]}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Golden.tree("{\"max_tokens\":5,\"messages\":[],\"anthropic_version\":\"bedrock-2023-05-31\"}"
                .getBytes(StandardCharsets.UTF_8)), body);
        BedrockInvoke.SseStream sse = new BedrockInvoke.SseStream(1 << 20);
        String event = "{\"type\":\"message_stop\"}";
        byte[] frame = BedrockStreamsTest.frame("chunk", "{\"bytes\":\""
                + java.util.Base64.getEncoder().encodeToString(event.getBytes(StandardCharsets.UTF_8)) + "\"}");
        StringBuilder out = new StringBuilder();
        for (byte b : frame) {
            out.append(new String(sse.feed(new byte[]{b}), StandardCharsets.UTF_8));
        }
        assertEquals("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", out.toString());
    }
}
