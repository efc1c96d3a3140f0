package dev.tokenledger.wire.kiro;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.EventStreamFrame;
import dev.tokenledger.wire.EventStreamChunkDecoder;
import dev.tokenledger.wire.StreamLimits;

import static dev.tokenledger.testing.Chunks.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kiro's request body and its event-stream answers, against the shapes open-source Kiro clients send and read. */
class KiroMappersTest {

    static final StreamLimits LIMITS = new StreamLimits(64 * 1024, 64 * 1024);

    static byte[] frame(String type, String json) {
        return EventStreamFrame.event(type, json.getBytes(StandardCharsets.UTF_8)).encode();
    }

    /** A text answer in two events (one wrapped), then a tool call in three fragments, metering and context usage. */
    static final byte[] TOOL_ANSWER = concat(
            frame("assistantResponseEvent", "{\"content\":\"Olá, São \"}"),
            frame("assistantResponseEvent", "{\"assistantResponseEvent\":{\"content\":\"Paulo 🙂\"}}"),
            frame("toolUseEvent", "{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\",\"input\":\"{\\\"ci\"}"),
            frame("toolUseEvent", "{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\",\"input\":\"ty\\\":\\\"SP\\\"}\"}"),
            frame("toolUseEvent", "{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\",\"stop\":true}"),
            frame("meteringEvent", "{\"unit\":\"credit\",\"unitPlural\":\"credits\",\"usage\":0.042}"),
            frame("contextUsageEvent", "{\"contextUsagePercentage\":1.5}"));

    ChatRequest request(List<Message> messages, List<ToolSpec> tools) {
        return ChatRequest.builder("kiro/claude-sonnet-4.5", null).messages(messages).tools(tools, null, null)
                .sampling(512, 0.2, null, null).build();
    }

    @Test
    void theRequestPutsTheSystemFirstMergesTurnsAndCarriesToolsAndResults() {
        List<Message> messages = List.of(
                new Message("system", List.of(new ContentPart.Text("Be brief.")), null, null, null),
                new Message("user", List.of(new ContentPart.Text("Weather in SP?"),
                        new ContentPart.Image(null, "image/png", "iVBORw0KGgo=", null)), null, null, null),
                new Message("assistant", List.of(), List.of(new ToolCall("t1", "get_weather", "{\"city\":\"SP\"}")),
                        null, null),
                new Message("tool", List.of(new ContentPart.Text("25 C")), null, "t1", null),
                new Message("user", List.of(new ContentPart.Text("And tomorrow?")), null, null, null));
        List<ToolSpec> tools = List.of(new ToolSpec("get_weather", "Current weather", Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string"))), null));
        JsonNode body = Json.toNode(Json.toMap(KiroRequests.build(request(messages, tools), "claude-sonnet-4.5",
                "conv-1")));
        JsonNode state = body.path("conversationState");
        assertEquals("MANUAL", state.path("chatTriggerType").asText());
        assertEquals("conv-1", state.path("conversationId").asText());
        JsonNode current = state.path("currentMessage").path("userInputMessage");
        // the tool result and the next user text make one user turn, the current one
        assertEquals("And tomorrow?", current.path("content").asText());
        assertEquals("claude-sonnet-4.5", current.path("modelId").asText());
        assertEquals("AI_EDITOR", current.path("origin").asText());
        JsonNode result = current.path("userInputMessageContext").path("toolResults").get(0);
        assertEquals("t1", result.path("toolUseId").asText());
        assertEquals("success", result.path("status").asText());
        assertEquals("25 C", result.path("content").get(0).path("text").asText());
        JsonNode spec = current.path("userInputMessageContext").path("tools").get(0).path("toolSpecification");
        assertEquals("get_weather", spec.path("name").asText());
        assertEquals("string", spec.path("inputSchema").path("json").path("properties").path("city").path("type")
                .asText());
        JsonNode history = state.path("history");
        assertEquals(2, history.size());
        JsonNode first = history.get(0).path("userInputMessage");
        assertEquals("Be brief.\n\nWeather in SP?", first.path("content").asText(), "no system field: it goes first");
        assertEquals("png", first.path("images").get(0).path("format").asText());
        assertEquals("iVBORw0KGgo=", first.path("images").get(0).path("source").path("bytes").asText());
        JsonNode assistant = history.get(1).path("assistantResponseMessage");
        assertEquals(KiroRequests.EMPTY, assistant.path("content").asText(), "empty content is refused by Kiro");
        assertEquals("SP", assistant.path("toolUses").get(0).path("input").path("city").asText());
        assertEquals(512, body.path("inferenceConfig").path("maxTokens").asInt());
        assertEquals(0.2, body.path("inferenceConfig").path("temperature").asDouble());
        assertFalse(body.has("profileArn"), "the profile ARN is the credential's, added by the adapter");
    }

    @Test
    void toolResultsWithoutToolsSendStubSpecsAndAnAssistantStartGetsAUserTurn() {
        List<Message> messages = List.of(
                new Message("assistant", List.of(new ContentPart.Text("Hello")), List.of(new ToolCall("t9", "lookup",
                        "")), null, null),
                new Message("tool", List.of(new ContentPart.Text("found")), null, "t9", null));
        JsonNode body = Json.toNode(Json.toMap(KiroRequests.build(request(messages, List.of()), "auto", "c")));
        JsonNode state = body.path("conversationState");
        assertEquals(KiroRequests.CONTINUE, state.path("history").get(0).path("userInputMessage").path("content")
                .asText(), "history starts with a user turn");
        JsonNode tools = state.path("currentMessage").path("userInputMessage").path("userInputMessageContext")
                .path("tools");
        assertEquals("lookup", tools.get(0).path("toolSpecification").path("name").asText());
        GatewayError url = assertThrows(GatewayError.class, () -> KiroRequests.build(request(List.of(new Message("user",
                List.of(new ContentPart.Image("https://x/y.png", null, null, null)), null, null, null)), List.of()),
                "auto", "c"));
        assertEquals(ErrorKind.INVALID_REQUEST, url.kind());
    }

    static List<ChatChunk> decodeSplit(byte[] stream, int at) {
        List<ChatChunk> chunks = new ArrayList<>();
        EventStreamChunkDecoder decoder = new EventStreamChunkDecoder(LIMITS, new KiroStreamEvents());
        decoder.decode(Arrays.copyOfRange(stream, 0, at), chunks::add);
        decoder.decode(Arrays.copyOfRange(stream, at, stream.length), chunks::add);
        decoder.end(chunks::add);
        assertTrue(decoder.complete(), "a stream closed between two frames is complete");
        return chunks;
    }

    static String text(List<ChatChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        chunks.stream().filter(ChatChunk.Text.class::isInstance).forEach(c -> sb.append(((ChatChunk.Text) c).text()));
        return sb.toString();
    }

    static String arguments(List<ChatChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        chunks.stream().filter(ChatChunk.ToolArguments.class::isInstance)
                .forEach(c -> sb.append(((ChatChunk.ToolArguments) c).fragment()));
        return sb.toString();
    }

    @Test
    void theStreamReadsTheSameSplitAtEveryByteAndEndsWithToolCalls() {
        for (int at = 0; at <= TOOL_ANSWER.length; at++) {
            List<ChatChunk> chunks = decodeSplit(TOOL_ANSWER, at);
            assertTrue(chunks.get(0) instanceof ChatChunk.Start);
            assertEquals("Olá, São Paulo 🙂", text(chunks), "split at " + at);
            assertEquals("{\"city\":\"SP\"}", arguments(chunks));
            assertEquals(1, chunks.stream().filter(ChatChunk.ToolCallStart.class::isInstance).count());
            ChatChunk last = chunks.get(chunks.size() - 1);
            assertEquals("tool_calls", ((ChatChunk.Finish) last).reason());
            Usage usage = lastUsage(chunks);
            assertEquals(Usage.Source.ESTIMATED, usage.source(), "no token counts: the gateway estimates");
            assertEquals(0, usage.totalTokens());
            assertEquals(42_000, usage.detail().microCredits(), "the metered credits, split at " + at);
        }
    }

    static Usage lastUsage(List<ChatChunk> chunks) {
        Usage usage = null;
        for (ChatChunk c : chunks) {
            if (c instanceof ChatChunk.UsageReport r) {
                usage = r.usage();
            }
        }
        return usage;
    }

    @Test
    void meteringIsReadExactlyBareOrWrappedAddedUpAndJoinsTheTokenUsage() {
        // Kiro's doubles as written: rounded half-up to millionths of a credit, never through a binary fraction
        assertEquals(5_835, KiroStreamEvents.microCredits(KiroStreamEvents.credits(Json.tryParseObject(
                "{\"unit\":\"credit\",\"unitPlural\":\"credits\",\"usage\":0.005835419900497513}"))));
        assertEquals(2_328_326, KiroStreamEvents.microCredits(KiroStreamEvents.credits(Json.tryParseObject(
                "{\"unit\":\"credit\",\"usage\":2.3283256603316747}"))));
        assertEquals(1, KiroStreamEvents.microCredits(KiroStreamEvents.credits(Json.tryParseObject(
                "{\"usage\":0.0000005}"))), "half-up; no unit named is credits");
        assertEquals(10, KiroStreamEvents.microCredits(KiroStreamEvents.credits(Json.tryParseObject(
                "{\"unit\":\"credit\",\"usage\":1.0E-5}"))));
        assertNull(KiroStreamEvents.credits(Json.tryParseObject("{\"unit\":\"request\",\"usage\":1}")),
                "another unit is not credits");
        assertNull(KiroStreamEvents.credits(Json.tryParseObject("{\"unit\":\"credit\",\"usage\":\"x\"}")));
        assertNull(KiroStreamEvents.credits(Json.tryParseObject("{\"unit\":\"credit\",\"usage\":-1}")));

        // wrapped and bare, two metering events added (exactly: 0.1 + 0.2), tokens reported after the credits
        byte[] stream = concat(frame("assistantResponseEvent", "{\"content\":\"Hi\"}"),
                frame("meteringEvent", "{\"meteringEvent\":{\"unit\":\"credit\",\"unitPlural\":\"credits\","
                        + "\"usage\":0.1}}"),
                frame("meteringEvent", "{\"unit\":\"credit\",\"unitPlural\":\"credits\",\"usage\":0.2}"),
                frame("metadataEvent", "{\"tokenUsage\":{\"uncachedInputTokens\":12,\"outputTokens\":7}}"));
        for (int at = 0; at <= stream.length; at++) {
            Usage usage = lastUsage(decodeSplit(stream, at));
            assertEquals(300_000, usage.detail().microCredits(), "split at " + at);
            assertEquals(Usage.Source.PROVIDER, usage.source(), "the tokens are the provider's");
            assertEquals(12, usage.promptTokens());
            assertEquals(7, usage.completionTokens());
        }
        Usage whole = KiroResponses.usage(stream);
        assertEquals(300_000, whole.detail().microCredits());
        assertEquals(whole, KiroResponses.toCanonical(stream).usage());

        byte[] absurd = frame("meteringEvent", "{\"unit\":\"credit\",\"usage\":1e12}");
        assertThrows(GatewayError.class, () -> new EventStreamChunkDecoder(LIMITS, new KiroStreamEvents())
                .decode(absurd, c -> {
                }));
    }

    @Test
    void aReportedTokenUsageIsTheProvidersAndErrorsEndTheStream() {
        byte[] stream = concat(frame("assistantResponseEvent", "{\"content\":\"Hi\"}"), frame("metadataEvent",
                "{\"tokenUsage\":{\"uncachedInputTokens\":12,\"cacheReadInputTokens\":30,\"cacheWriteInputTokens\":5,"
                        + "\"outputTokens\":7,\"totalTokens\":54}}"));
        List<ChatChunk> chunks = decodeSplit(stream, 3);
        Usage usage = chunks.stream().filter(ChatChunk.UsageReport.class::isInstance)
                .map(c -> ((ChatChunk.UsageReport) c).usage()).findFirst().orElseThrow();
        assertEquals(47, usage.promptTokens());
        assertEquals(30, usage.cachedPromptTokens());
        assertEquals(5, usage.cacheWriteTokens());
        assertEquals(7, usage.completionTokens());
        assertEquals(Usage.Source.PROVIDER, usage.source());
        assertEquals("stop", ((ChatChunk.Finish) chunks.get(chunks.size() - 1)).reason());

        byte[] throttled = concat(frame("assistantResponseEvent", "{\"content\":\"Hi\"}"), EventStreamFrame.exception(
                "ThrottlingException", "{\"message\":\"Too many requests\"}".getBytes(StandardCharsets.UTF_8))
                .encode());
        GatewayError error = assertThrows(GatewayError.class, () -> new EventStreamChunkDecoder(LIMITS,
                new KiroStreamEvents()).decode(throttled, c -> {
                }));
        assertEquals(ErrorKind.UPSTREAM_RATE_LIMITED, error.kind());
        assertTrue(error.getMessage().contains("Too many requests"));
        GatewayError invalid = assertThrows(GatewayError.class, () -> new EventStreamChunkDecoder(LIMITS,
                new KiroStreamEvents()).decode(
                        frame("invalidStateEvent", "{\"reason\":\"INVALID_STATE\","
                                + "\"message\":\"conversation expired\"}"),
                        c -> {
                        }));
        assertTrue(invalid.getMessage().contains("conversation expired"));

        byte[] corrupt = frame("assistantResponseEvent", "{\"content\":\"Hi\"}");
        corrupt[corrupt.length - 1] ^= 1;
        assertThrows(GatewayError.class, () -> new EventStreamChunkDecoder(LIMITS, new KiroStreamEvents())
                .decode(corrupt, c -> {
                }));
    }

    @Test
    void aStreamCutInsideAFrameIsNotComplete() {
        EventStreamChunkDecoder decoder = new EventStreamChunkDecoder(LIMITS, new KiroStreamEvents());
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode(Arrays.copyOfRange(TOOL_ANSWER, 0, TOOL_ANSWER.length - 3), chunks::add);
        decoder.end(chunks::add);
        assertFalse(decoder.complete());
        assertTrue(chunks.stream().noneMatch(ChatChunk.Finish.class::isInstance));
    }

    @Test
    void aWholeAnswerIsOneMessage() {
        ChatResponse response = KiroResponses.toCanonical(TOOL_ANSWER);
        Message message = response.choices().get(0).message();
        assertEquals("Olá, São Paulo 🙂", message.text());
        assertEquals("tool_calls", response.choices().get(0).finishReason());
        assertEquals(new ToolCall("tooluse_1", "get_weather", "{\"city\":\"SP\"}"), message.toolCalls().get(0));
        assertEquals(Usage.Source.ESTIMATED, response.usage().source(), "tokens estimated by the gateway");
        assertEquals(42_000, response.usage().detail().microCredits(), "the credits metered");
        assertEquals(response.usage(), KiroResponses.usage(TOOL_ANSWER));
        byte[] unmetered = concat(frame("assistantResponseEvent", "{\"content\":\"Hi\"}"));
        assertNull(KiroResponses.usage(unmetered), "neither tokens nor credits: all estimated");
        assertThrows(GatewayError.class, () -> KiroResponses.toCanonical(new byte[0]));
    }
}
