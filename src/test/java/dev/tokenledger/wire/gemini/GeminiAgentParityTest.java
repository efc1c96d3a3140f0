package dev.tokenledger.wire.gemini;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.openai.OpenAiChatRequests;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What Gemini CLI sends, translated for an OpenAI upstream (issue 19). */
class GeminiAgentParityTest {

    private static ObjectNode toOpenAi(String geminiBody) {
        ChatRequest r = GeminiRequests.toCanonical(geminiBody.getBytes(StandardCharsets.UTF_8), "gemini-test", false);
        return Json.parseObject(OpenAiChatRequests.toWire(r, "o4-mini"));
    }

    @Test
    void responseJsonSchemaAndResponseSchemaBothReachOpenAiInLowerCase() {
        String contents = "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]";
        for (String field : new String[]{"responseJsonSchema", "responseSchema"}) {
            ObjectNode body = toOpenAi("{" + contents + ",\"generationConfig\":{\"responseMimeType\":\"application/json\",\""
                    + field + "\":{\"type\":\"OBJECT\",\"properties\":{\"next\":{\"type\":\"STRING\"},"
                    + "\"tags\":{\"type\":\"ARRAY\",\"items\":{\"type\":\"STRING\"}}}}}}");
            assertEquals("object", body.at("/response_format/json_schema/schema/type").asText(), field);
            assertEquals("string", body.at("/response_format/json_schema/schema/properties/next/type").asText(), field);
            assertEquals("string", body.at("/response_format/json_schema/schema/properties/tags/items/type").asText(),
                    field);
        }
    }

    @Test
    void aThinkingBudgetWithoutALevelBecomesAnEffort() {
        String contents = "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]";
        assertEquals("medium", toOpenAi("{" + contents + ",\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":"
                + "8192}}}").path("reasoning_effort").asText());
        assertEquals("low", toOpenAi("{" + contents + ",\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":"
                + "1024}}}").path("reasoning_effort").asText());
        assertEquals("minimal", toOpenAi("{" + contents + ",\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":"
                + "0}}}").path("reasoning_effort").asText());
        assertEquals("high", toOpenAi("{" + contents + ",\"generationConfig\":{\"thinkingConfig\":{\"thinkingLevel\":"
                + "\"HIGH\",\"thinkingBudget\":100}}}").path("reasoning_effort").asText(), "a level wins");
    }
}
