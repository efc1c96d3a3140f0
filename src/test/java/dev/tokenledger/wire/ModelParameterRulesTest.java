package dev.tokenledger.wire;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.anthropic.AnthropicRequests;
import dev.tokenledger.wire.openai.OpenAiChatRequests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table of what model families refuse, applied to translated bodies only. */
class ModelParameterRulesTest {

    private static ChatRequest request(Integer maxTokens, Double temperature, Double topP, String effort) {
        return ChatRequest.builder("alias", null)
                .messages(List.of(new Message("user", List.of(new ContentPart.Text("Hi")), List.of(), null, null)))
                .sampling(maxTokens, temperature, topP, List.of())
                .reasoning(effort == null ? null : new ChatRequest.Reasoning(effort, null)).build();
    }

    private static ObjectNode tree(byte[] body) {
        return Json.parseObject(body);
    }

    @Test
    void currentClaudeModelsGetTemperatureWithoutTopP() {
        ObjectNode sonnet45 = tree(AnthropicRequests.toWire(request(100, 0.5, 0.9, null), "claude-sonnet-4-5-20250929"));
        assertTrue(sonnet45.has("temperature"));
        assertFalse(sonnet45.has("top_p"), "Claude 4.5 refuses both");
        ObjectNode sonnet4 = tree(AnthropicRequests.toWire(request(100, 0.5, 0.9, null), "claude-sonnet-4-20250514"));
        assertTrue(sonnet4.has("top_p"), "Claude 4.0 takes both");
        ObjectNode opus41 = tree(AnthropicRequests.toWire(request(100, 0.5, 0.9, null), "claude-opus-4-1"));
        assertFalse(opus41.has("top_p"));
    }

    @Test
    void thinkingDropsTemperatureForClaude() {
        ObjectNode body = tree(AnthropicRequests.toWire(request(20000, 0.5, null, "medium"), "claude-3-7-sonnet-latest"));
        assertEquals(4096, body.at("/thinking/budget_tokens").asInt());
        assertFalse(body.has("temperature"));
    }

    @Test
    void nonReasoningOpenAiModelsGetNoEffortAndACappedOutput() {
        ObjectNode gpt4o = tree(OpenAiChatRequests.toWire(request(128000, null, null, "high"), "gpt-4o-2024-08-06"));
        assertFalse(gpt4o.has("reasoning_effort"));
        assertEquals(16384, gpt4o.get("max_completion_tokens").asInt());
        ObjectNode o3 = tree(OpenAiChatRequests.toWire(request(128000, null, null, "high"), "o3"));
        assertEquals("high", o3.get("reasoning_effort").asText());
        assertEquals(128000, o3.get("max_completion_tokens").asInt());
    }

    @Test
    void aBodyThatPassesThroughIsNeverChanged() {
        byte[] body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"reasoning_effort\":\"high\"}"
                .getBytes(StandardCharsets.UTF_8);
        ObjectNode out = tree(OpenAiChatRequests.toWire(OpenAiChatRequests.toCanonical(body), "gpt-4o"));
        assertEquals("high", out.get("reasoning_effort").asText());
    }

    @Test
    void everyRuleNamesItsFormatAndAField() {
        for (ModelParameterRules.Rule rule : ModelParameterRules.RULES) {
            assertTrue(rule.field().startsWith("/"), rule.toString());
            assertTrue(rule.format() == WireFormat.ANTHROPIC || rule.format() == WireFormat.OPENAI_CHAT, rule.toString());
        }
    }
}
