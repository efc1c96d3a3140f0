package dev.tokenledger.wire.anthropic;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.wire.openai.OpenAiChatResponses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Golden-file tests of {@link AnthropicResponses}, {@link AnthropicUsage}, stop reasons and {@link AnthropicErrors}. */
class AnthropicResponsesTest {

    @Test
    void basicResponseToCanonical() {
        ChatResponse r = AnthropicResponses.toCanonical(Golden.bytes("anthropic/messages-response-basic.json"), 42);

        assertEquals("msg_01XFDUDYJgAACzvnptvVoYEL", r.id());
        assertEquals("claude-sonnet-4-5-20250929", r.model());
        assertEquals(42, r.created());
        assertEquals("The capital of Australia is Canberra. 🙂", r.choices().get(0).message().text());
        assertEquals("stop", r.choices().get(0).finishReason());
        assertEquals(new Usage(21, 0, 0, 12, 0, Usage.Source.PROVIDER), r.usage());
    }

    @Test
    void toolUseResponseToCanonicalSumsCachedInput() {
        ChatResponse r = AnthropicResponses.toCanonical(Golden.bytes("anthropic/messages-response-tool-use.json"), 0);

        ChatResponse.Choice choice = r.choices().get(0);
        assertEquals("tool_calls", choice.finishReason());
        assertEquals(new ContentPart.Reasoning("Two independent lookups: call both tools.",
                "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxDZXUyMyWuRKdZOwsiMDpD8fGpgs7h1s7VUwQz0r7XqgRKGSn0Tq5GTzk3Wl0pgPQ5Zm7bTtE1LQ==",
                null, "anthropic"), choice.message().content().get(0));
        assertEquals("I'll check both.", choice.message().text());
        assertEquals(List.of(
                new ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}"),
                new ToolCall("toolu_01B7dQxH2kPmZr4sLw8Tn3Vc", "get_local_time", "{\"timezone\":\"Asia/Tokyo\"}")),
                choice.message().toolCalls());
        assertEquals(new Usage(156 + 2048 + 1024, 2048, 1024, 137, 0, Usage.Source.PROVIDER), r.usage(),
                "prompt = input + cache read + cache creation");
        assertEquals(r.usage(), AnthropicResponses.usage(Golden.bytes("anthropic/messages-response-tool-use.json")));
    }

    @Test
    void anAnthropicAnswerSurvivesTheRoundTrip() {
        byte[] golden = Golden.bytes("anthropic/messages-response-tool-use.json");
        JsonNode expected = Golden.json("anthropic/messages-response-tool-use.json");
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("usage")).remove(
                List.of("cache_creation", "service_tier"));

        JsonNode written = Golden.tree(AnthropicResponses.toWire(AnthropicResponses.toCanonical(golden, 0)));

        assertEquals(expected, written);
    }

    @Test
    void openAiToolCallAnswerToAnthropic() {
        ChatResponse r = OpenAiChatResponses.toCanonical(Golden.bytes("openai/chat-response-tool-calls.json"));

        JsonNode written = Golden.tree(AnthropicResponses.toWire(r));

        assertEquals(Golden.json("anthropic/messages-response-from-openai-tools.json"), written,
                "input_tokens excludes the cached part");
    }

    @Test
    void malformedAnswersAreUpstreamErrors() {
        GatewayError e = assertThrows(GatewayError.class,
                () -> AnthropicResponses.toCanonical("{\"type\":\"message\"}".getBytes(StandardCharsets.UTF_8), 0));
        assertEquals(ErrorKind.UPSTREAM_ERROR, e.kind());
        assertNull(AnthropicResponses.usage("[]".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @CsvSource({"end_turn,stop", "stop_sequence,stop", "max_tokens,length", "tool_use,tool_calls",
            "refusal,content_filter", "pause_turn,stop", "model_context_window_exceeded,length", "something_new,stop"})
    void stopReasonsToCanonical(String anthropic, String canonical) {
        assertEquals(canonical, AnthropicStopReasons.toCanonical(anthropic));
    }

    @Test
    void stopReasonsToWire() {
        assertEquals("end_turn", AnthropicStopReasons.toWire("stop", null, false));
        assertEquals("stop_sequence", AnthropicStopReasons.toWire("stop", "END", false));
        assertEquals("max_tokens", AnthropicStopReasons.toWire("length", null, false));
        assertEquals("tool_use", AnthropicStopReasons.toWire("tool_calls", null, true));
        assertEquals("tool_use", AnthropicStopReasons.toWire("stop", null, true), "Gemini ends tool calls with STOP");
        assertEquals("refusal", AnthropicStopReasons.toWire("content_filter", null, false));
        assertEquals("end_turn", AnthropicStopReasons.toWire(null, null, false));
    }

    @ParameterizedTest
    @CsvSource({"INVALID_REQUEST,0,invalid_request_error,400", "AUTHENTICATION,0,authentication_error,401",
            "PERMISSION,0,permission_error,403", "NOT_FOUND,0,not_found_error,404", "PAYLOAD_TOO_LARGE,0,request_too_large,413",
            "RATE_LIMITED,0,rate_limit_error,429", "UPSTREAM_RATE_LIMITED,429,rate_limit_error,429",
            "UPSTREAM_CLIENT_ERROR,404,not_found_error,404", "UPSTREAM_ERROR,500,api_error,502",
            "UPSTREAM_ERROR,529,overloaded_error,529", "UPSTREAM_TIMEOUT,0,timeout_error,504",
            "UNAVAILABLE,0,overloaded_error,529", "INTERNAL,0,api_error,500"})
    void errorsInAnthropicShapeAndStatus(ErrorKind kind, int upstreamStatus, String type, int status) {
        GatewayError error = GatewayError.upstream(kind, upstreamStatus, "went wrong", null);

        JsonNode body = Golden.tree(AnthropicErrors.encode(error));

        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"went wrong\"}}",
                body.toString());
        assertEquals(status, AnthropicErrors.status(error));
    }

    @Test
    void upstreamErrorMessageIsRead() {
        assertEquals("Overloaded", AnthropicErrors.message(Golden.bytes("anthropic/error-overloaded.json")));
        assertNull(AnthropicErrors.message("not json".getBytes(StandardCharsets.UTF_8)));
    }
}
