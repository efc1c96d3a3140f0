package dev.tokenledger.wire.anthropic;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.wire.openai.OpenAiChatRequests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden-file tests of {@link AnthropicRequests}: Anthropic requests to canonical and canonical requests to Anthropic. */
class AnthropicRequestsTest {

    private static final String CLAUDE = "claude-sonnet-4-5-20250929";

    // ---- Anthropic to canonical ----

    @Test
    void basicRequestToCanonical() {
        ChatRequest r = AnthropicRequests.toCanonical(Golden.bytes("anthropic/messages-request-basic.json"));

        assertEquals(CLAUDE, r.model());
        assertEquals(Golden.BASIC_MESSAGES, r.messages());
        assertEquals(1024, r.maxTokens());
        assertEquals(List.of("END"), r.stop());
        assertEquals(0.2, r.temperature());
        assertEquals(0.9, r.topP());
        assertEquals("user-4821", r.user(), "metadata.user_id is the end user");
        assertEquals(Map.of("top_k", 40, "service_tier", "auto"), r.extra(), "unknown fields are kept");
        assertFalse(r.stream());
        assertNull(r.reasoning());
        assertEquals(WireFormat.ANTHROPIC, r.source().format());
    }

    @Test
    void toolsRequestToCanonicalKeepsIdsThinkingAndImages() {
        ChatRequest r = AnthropicRequests.toCanonical(Golden.bytes("anthropic/messages-request-tools.json"));

        assertEquals(List.of("system", "user", "assistant", "tool", "tool", "user"),
                r.messages().stream().map(Message::role).toList());
        assertEquals("You are a travel assistant.Use the tools for live data.", r.messages().get(0).text());
        List<ContentPart> user = r.messages().get(1).content();
        assertEquals(new ContentPart.Image(null, "image/png",
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", null),
                user.get(1));
        assertEquals(new ContentPart.Image(
                "https://upload.wikimedia.org/wikipedia/commons/thumb/3/3f/Fronalpstock_big.jpg/800px-Fronalpstock_big.jpg",
                null, null, null), user.get(2));

        Message assistant = r.messages().get(2);
        assertEquals(new ContentPart.Reasoning("The user wants two facts; I will call both tools in parallel.",
                "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxDZXUyMyWuRKdZOwsiMDpD8fGpgs7h1s7VUwQz0r7XqgRKGSn0Tq5GTzk3Wl0pgPQ5Zm7bTtE1LQ==",
                null, "anthropic"), assistant.content().get(0));
        assertEquals(new ContentPart.Reasoning(null, null,
                "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP", "anthropic"), assistant.content().get(1));
        assertEquals("Let me look both up.", assistant.text());
        Golden.assertWeatherAndTimeExchange(r, 2, "toolu_01A09q90qw90lq917835lq9", "toolu_01B7dQxH2kPmZr4sLw8Tn3Vc");
        assertEquals("time service unavailable", r.messages().get(4).text());
        assertEquals("Answer in French.", r.messages().get(5).text());

        assertEquals(List.of("get_weather", "get_local_time"), r.tools().stream().map(t -> t.name()).toList(),
                "server tools reach only an Anthropic upstream, through the source body");
        assertEquals(List.of("city", "unit"), r.tools().get(0).parameters().get("required"));
        assertEquals("auto", r.toolChoice());
        assertEquals(Boolean.TRUE, r.parallelToolCalls());
        assertEquals(new ChatRequest.Reasoning(null, 8000), r.reasoning());
        assertEquals(16000, r.maxTokens());
    }

    @Test
    void toolChoiceVariants() {
        assertEquals("required", choice("{\"type\":\"any\"}").toolChoice());
        assertEquals("none", choice("{\"type\":\"none\"}").toolChoice());
        ChatRequest forced = choice("{\"type\":\"tool\",\"name\":\"get_weather\",\"disable_parallel_tool_use\":true}");
        assertEquals(Map.of("type", "function", "function", Map.of("name", "get_weather")), forced.toolChoice());
        assertEquals(Boolean.FALSE, forced.parallelToolCalls());
    }

    private static ChatRequest choice(String toolChoice) {
        return canonical("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}],\"tool_choice\":" + toolChoice + "}");
    }

    @Test
    void jsonSchemaOutputAndEffortToCanonical() {
        ChatRequest r = canonical("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}],\"thinking\":{\"type\":\"adaptive\"},\"output_config\":{\"effort\":\"high\","
                + "\"format\":{\"type\":\"json_schema\",\"schema\":{\"type\":\"object\"}}},\"stream\":true}");
        assertEquals(new ChatRequest.Reasoning("high", null), r.reasoning());
        assertEquals(Map.of("type", "json_schema", "json_schema", Map.of("name", "response", "schema",
                Map.of("type", "object"), "strict", true)), r.responseFormat());
        assertTrue(r.stream());
        assertTrue(r.includeUsage(), "Anthropic streams always report usage");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}|max_tokens",
            "{\"model\":\"m\",\"max_tokens\":5}|messages",
            "{\"max_tokens\":5,\"messages\":[]}|model",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"tool\",\"content\":\"Hi\"}]}|messages.0.role",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":5}]}|messages.0.content",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{}}]}]}"
                    + "|messages.0.content.0.source",
            "{\"model\":\"m\",\"max_tokens\":-1,\"messages\":[]}|max_tokens",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"tool_choice\":{\"type\":\"maybe\"}}|tool_choice.type",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"thinking\":{\"type\":\"enabled\"}}|thinking.budget_tokens",
            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"metadata\":{\"user_id\":7}}|metadata.user_id"})
    void invalidRequestsNameTheField(String bodyAndParam) {
        String[] parts = bodyAndParam.split("\\|");
        GatewayError e = assertThrows(GatewayError.class,
                () -> canonical(parts[0]));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertEquals(parts[1], e.param());
    }

    /** Claude Code under a newer beta sends a system turn inside messages: it joins the system prompt. */
    @Test
    void systemTurnsInsideMessagesJoinTheSystemPrompt() {
        ChatRequest r = canonical("{\"model\":\"m\",\"max_tokens\":5,\"system\":\"Be terse.\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"system\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"Today is Monday.\"}]},{\"role\":\"user\",\"content\":\"Day?\"}]}");
        assertEquals(List.of("system", "user", "user"), r.messages().stream().map(Message::role).toList());
        assertEquals(List.of(new ContentPart.Text("Be terse."), new ContentPart.Text("Today is Monday.")),
                r.messages().get(0).content());
        // to an OpenAI upstream, one system message whose blocks stay apart
        assertTrue(new String(OpenAiChatRequests.toWire(r, "gpt"), StandardCharsets.UTF_8)
                .contains("\"content\":\"Be terse.\\n\\nToday is Monday.\""));
    }

    @Test
    void streamsToAnAnthropicClientStartWithACheapInputEstimate() {
        ChatRequest r = AnthropicRequests.toCanonical(Golden.bytes("anthropic/messages-request-basic.json"));
        assertEquals(22, AnthropicInboundCodec.roughInputTokens(r), "(52 + 33 characters) / 4 + 1");
    }

    @Test
    void countTokensBodyNeedsNoMaxTokens() {
        ChatRequest r = AnthropicTokenCounts.toCanonical(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}".getBytes(StandardCharsets.UTF_8));
        assertNull(r.maxTokens());
    }

    // ---- canonical to Anthropic ----

    @Test
    void anAnthropicRequestIsForwardedAsItCameWithTheUpstreamModel() {
        byte[] golden = Golden.bytes("anthropic/messages-request-tools.json");
        ObjectNode expected = Golden.json("anthropic/messages-request-tools.json");
        expected.put("model", "claude-upstream");

        JsonNode sent = Golden.tree(AnthropicRequests.toWire(AnthropicRequests.toCanonical(golden), "claude-upstream"));

        assertEquals(expected, sent, "signatures, cache_control, is_error, server tools and unknown fields pass intact");
    }

    @Test
    void openAiToolsRequestToAnthropic() {
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.bytes("openai/chat-request-tools.json"));

        JsonNode sent = Golden.tree(AnthropicRequests.toWire(r, CLAUDE));

        assertEquals(Golden.json("anthropic/messages-request-from-openai-tools.json"), sent);
    }

    @Test
    void openAiImageRequestToAnthropicKeepsUrlsAndInlineData() {
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.bytes("openai/chat-request-image.json"));

        JsonNode sent = Golden.tree(AnthropicRequests.toWire(r, CLAUDE));

        assertEquals(Golden.json("anthropic/messages-request-from-openai-image.json"), sent);
    }

    @Test
    void defaultsAndClampsForAnotherFormat() {
        ChatRequest r = openAi("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"temperature\":1.7,\"top_p\":0.5,\"user\":\"u-1\",\"parallel_tool_calls\":false,"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":\"required\","
                + "\"stop\":[\"END\"],\"reasoning_effort\":\"medium\",\"stream\":true}");

        JsonNode sent = Golden.tree(AnthropicRequests.toWire(r, CLAUDE));

        assertEquals(Golden.tree(("{\"model\":\"" + CLAUDE + "\",\"max_tokens\":8192,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"tool_choice\":{\"type\":\"any\",\"disable_parallel_tool_use\":true},"
                + "\"stop_sequences\":[\"END\"],\"metadata\":{\"user_id\":\"u-1\"},"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":4096},\"stream\":true}")
                .getBytes(StandardCharsets.UTF_8)), sent,
                "max_tokens defaults to 4096 plus the thinking budget; with thinking, Claude takes neither temperature nor top_p (ModelParameterRules)");
        // without thinking, on a model that takes both, temperature is clamped to Anthropic's 0–1
        ChatRequest plain = openAi("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"temperature\":1.7,\"top_p\":0.5}");
        JsonNode older = Golden.tree(AnthropicRequests.toWire(plain, "claude-3-5-haiku-20241022"));
        assertEquals(1.0, older.get("temperature").asDouble());
        assertEquals(0.5, older.get("top_p").asDouble());
    }

    @Test
    void jsonSchemaResponseFormatBecomesOutputConfigFormat() {
        ChatRequest r = openAi("{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":10,"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":"
                + "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}}}}");

        JsonNode sent = Golden.tree(AnthropicRequests.toWire(r, CLAUDE));

        assertEquals("{\"format\":{\"type\":\"json_schema\",\"schema\":{\"type\":\"object\",\"properties\":{\"a\":"
                + "{\"type\":\"string\"}}}}}", sent.get("output_config").toString());
    }

    @Test
    void foreignReasoningIsDroppedAndAnthropicReasoningKept() {
        ChatRequest r = new ChatRequest("m", List.of(new Message("user", List.of(new ContentPart.Text("Hi")), null, null,
                null),
                new Message("assistant", List.of(new ContentPart.Reasoning("openai thoughts", null, null, "openai"),
                        new ContentPart.Reasoning("mine", "sig", null, "anthropic"), new ContentPart.Text("Hello")),
                        null, null, null)),
                null, null, null, 100, null, null, null, null, false, false, null, null, null);

        JsonNode sent = Golden.tree(AnthropicRequests.toWire(r, CLAUDE));

        assertEquals("[{\"type\":\"thinking\",\"thinking\":\"mine\",\"signature\":\"sig\"},{\"type\":\"text\",\"text\":"
                + "\"Hello\"}]", sent.path("messages").get(1).path("content").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"n\":2}|n",
            "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"response_format\":{\"type\":\"json_object\"}}"
                    + "|response_format",
            "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":"
                    + "{\"url\":\"data:image/tiff;base64,AAAA\"}}]}]}|messages[0].content[0]",
            "{\"model\":\"g\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"f\",\"arguments\":\"[1]\"}}]}]}|messages[0].tool_calls[0].arguments",
            "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":100,"
                    + "\"reasoning_effort\":\"bogus\"}|reasoning_effort",
            "{\"model\":\"g\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\",\"image_url\":"
                    + "{\"url\":\"https://x/y.png\"}}]}]}|messages[0].content"})
    void whatAnthropicCannotExpressIsA400NamingTheField(String bodyAndParam) {
        String[] parts = bodyAndParam.split("\\|");
        ChatRequest r = openAi(parts[0]);
        GatewayError e = assertThrows(GatewayError.class, () -> AnthropicRequests.toWire(r, CLAUDE));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertEquals(parts[1], e.param());
    }

    @Test
    void countTokensBodyKeepsOnlyWhatTheEndpointAccepts() {
        ChatRequest r = AnthropicRequests.toCanonical(Golden.bytes("anthropic/messages-request-basic.json"));
        JsonNode sent = Golden.tree(AnthropicTokenCounts.toWire(r, "claude-upstream"));
        assertEquals("{\"model\":\"claude-upstream\",\"system\":\"You are a concise assistant. Answer in one sentence.\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of Australia?\"}]}", sent.toString());
    }

    @Test
    void whatOnlyAnAnthropicUpstreamCanServeIsRefusedForAnyOther() {
        ChatRequest withServerTool = AnthropicRequests.toCanonical(Golden.bytes("anthropic/messages-request-tools.json"));
        GatewayError e = assertThrows(GatewayError.class,
                () -> new AnthropicInboundCodec().checkTranslatable(withServerTool, WireFormat.OPENAI_CHAT));
        assertEquals("tools.2", e.param());
        assertTrue(e.getMessage().contains("web_search_20250305"), e.getMessage());

        ChatRequest withDocument = canonical("{\"model\":\"m\",\"max_tokens\":5,\"messages\":["
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":["
                + "{\"type\":\"search_result\",\"source\":\"s\",\"title\":\"t\",\"content\":[]}]},"
                + "{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"x\"}}]}]}");
        e = assertThrows(GatewayError.class, () -> AnthropicTranslatable.check(withDocument));
        assertEquals("messages.0.content.0.content.0", e.param());

        ChatRequest withMcp = canonical("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],"
                + "\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://example.com/sse\",\"name\":\"x\"}]}");
        e = assertThrows(GatewayError.class, () -> AnthropicTranslatable.check(withMcp));
        assertEquals("mcp_servers", e.param());

        AnthropicTranslatable.check(AnthropicRequests.toCanonical(Golden.bytes("anthropic/messages-request-basic.json")));
    }

    private static ChatRequest openAi(String body) {
        return OpenAiChatRequests.toCanonical(body.getBytes(StandardCharsets.UTF_8));
    }

    /** An Anthropic Messages request body, read as canonical. */
    private static ChatRequest canonical(String json) {
        return AnthropicRequests.toCanonical(json.getBytes(StandardCharsets.UTF_8));
    }
}
