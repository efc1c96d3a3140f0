package dev.tokenledger.wire.gemini;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelay;
import dev.tokenledger.wire.StreamRelays;
import dev.tokenledger.wire.TranslatingRelay;
import dev.tokenledger.wire.openai.OpenAiChunkDecoder;
import dev.tokenledger.wire.openai.OpenAiChunkEncoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gemini streams through the decoder, the encoder and the passthrough relay, split at every byte offset (the golden
 * streams hold multi-byte UTF-8: 🙂, ã, —, in text and in tool arguments).
 */
class GeminiStreamsTest {

    private static final StreamLimits LIMITS = new StreamLimits(1 << 20, 1 << 22);
    private static final Usage ESTIMATE = new Usage(1, 0, 0, 1, 0, Usage.Source.ESTIMATED);
    private static final String SIGNATURE = "CiwBVKhc7nW2Zb6kE0tVr8eW2hQXh3L4mY0tAqw1fJd9sUo0P3c5aVu2gHk=";

    /** Runs a relay over a stream cut in two at every offset; every cut must give the same client bytes. */
    private static byte[] everySplit(Supplier<StreamRelay> relays, byte[] upstream) {
        byte[] expected = null;
        for (int split = 0; split <= upstream.length; split++) {
            byte[] out = StreamRelays.cutAt(relays.get(), upstream, split);
            // an OpenAI client's chunks carry the time they were written when the upstream names none
            byte[] bytes = new String(out, StandardCharsets.UTF_8).replaceAll("\"created\":\\d+",
                    "\"created\":0").getBytes(StandardCharsets.UTF_8);
            if (expected == null) {
                expected = bytes;
            }
            assertArrayEquals(expected, bytes, "split at " + split);
        }
        return expected;
    }

    private static TranslatingRelay geminiToOpenAi() {
        return new TranslatingRelay(new GeminiChunkDecoder(LIMITS), new OpenAiChunkEncoder(true), t -> ESTIMATE);
    }

    private static TranslatingRelay openAiToGemini() {
        return new TranslatingRelay(new OpenAiChunkDecoder(LIMITS), new GeminiChunkEncoder(), t -> ESTIMATE);
    }

    private static TranslatingRelay geminiToGemini() {
        return new TranslatingRelay(new GeminiChunkDecoder(LIMITS), new GeminiChunkEncoder(), t -> ESTIMATE);
    }

    @Test
    void decoderChunksAtEveryOffset() {
        byte[] golden = Golden.bytes("gemini/stream-basic.sse");
        String expected = null;
        for (int split = 0; split <= golden.length; split++) {
            GeminiChunkDecoder decoder = new GeminiChunkDecoder(LIMITS);
            List<ChatChunk> chunks = new ArrayList<>();
            decoder.decode(Arrays.copyOfRange(golden, 0, split), chunks::add);
            decoder.decode(Arrays.copyOfRange(golden, split, golden.length), chunks::add);
            decoder.end(chunks::add);
            assertTrue(decoder.complete());
            String text = chunks.toString();
            if (expected == null) {
                expected = text;
            }
            assertEquals(expected, text, "split at " + split);
        }
        GeminiChunkDecoder decoder = new GeminiChunkDecoder(LIMITS);
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode(golden, chunks::add);
        assertEquals(new ChatChunk.Start("pQKtaNz1LtSsz7IP2M3H-Ac", "gemini-2.5-flash", 0), chunks.get(0));
        assertEquals(new ChatChunk.Text(0, " of New Zealand 🙂 — São Paulo is not."), chunks.get(3));
        assertEquals(new ChatChunk.UsageReport(new Usage(1045, 1024, 0, 64, 48, Usage.Source.PROVIDER)), chunks.get(5));
        assertEquals(new ChatChunk.Finish(0, "stop", null), chunks.get(6));
    }

    @Test
    void geminiStreamToOpenAiClient() {
        String out = new String(everySplit(GeminiStreamsTest::geminiToOpenAi, Golden.bytes("gemini/stream-basic.sse")),
                StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder();
        JsonNode usage = null;
        String finish = null;
        for (SseEvent e : events(out)) {
            if (e.data().equals("[DONE]")) {
                continue;
            }
            JsonNode chunk = Golden.tree(e.data().getBytes(StandardCharsets.UTF_8));
            for (JsonNode c : chunk.path("choices")) {
                text.append(c.path("delta").path("content").asText(""));
                finish = c.path("finish_reason").isTextual() ? c.get("finish_reason").asText() : finish;
            }
            usage = chunk.path("usage").isObject() ? chunk.get("usage") : usage;
        }
        assertEquals("Wellington is the capital of New Zealand 🙂 — São Paulo is not.", text.toString());
        assertEquals("stop", finish);
        assertEquals(1045, usage.path("prompt_tokens").asInt());
        assertEquals(1024, usage.path("prompt_tokens_details").path("cached_tokens").asInt());
        assertEquals(64, usage.path("completion_tokens").asInt(), "candidates + thoughts");
        assertEquals(48, usage.path("completion_tokens_details").path("reasoning_tokens").asInt());
        assertTrue(out.endsWith("data: [DONE]\n\n"));
    }

    @Test
    void geminiToolCallsToOpenAiClientGetStableIds() {
        String out = new String(everySplit(GeminiStreamsTest::geminiToOpenAi,
                Golden.bytes("gemini/stream-tool-calls.sse")), StandardCharsets.UTF_8);
        List<String> calls = new ArrayList<>();
        String finish = null;
        for (SseEvent e : events(out)) {
            if (e.data().equals("[DONE]")) {
                continue;
            }
            for (JsonNode c : Golden.tree(e.data().getBytes(StandardCharsets.UTF_8)).path("choices")) {
                for (JsonNode call : c.path("delta").path("tool_calls")) {
                    if (call.has("id")) {
                        assertTrue(GeminiToolIds.synthesized(call.get("id").asText()));
                        calls.add(call.path("function").path("name").asText());
                    } else {
                        calls.add(call.path("function").path("arguments").asText());
                    }
                }
                finish = c.path("finish_reason").isTextual() ? c.get("finish_reason").asText() : finish;
            }
        }
        assertEquals(List.of("get_weather", "{\"city\":\"São Paulo\",\"unit\":\"celsius\"}", "get_local_time",
                "{\"timezone\":\"America/Sao_Paulo\"}"), calls);
        assertEquals("tool_calls", finish);
    }

    @Test
    void openAiToolCallStreamToGeminiClient() {
        String out = new String(everySplit(GeminiStreamsTest::openAiToGemini,
                Golden.bytes("openai/chat-stream-tool-calls.sse")), StandardCharsets.UTF_8);
        List<JsonNode> events = geminiEvents(out);
        JsonNode first = events.get(0).path("candidates").get(0).path("content").path("parts").get(0).path("functionCall");
        assertEquals("call_kR7vX2mN9pQ4sT1wY6zB3cD8", first.path("id").asText(), "OpenAI's ids reach the client");
        assertEquals("São Paulo", first.path("args").path("city").asText());
        JsonNode second = events.get(1).path("candidates").get(0).path("content").path("parts").get(0)
                .path("functionCall");
        assertEquals("get_local_time", second.path("name").asText());
        JsonNode last = events.get(events.size() - 1);
        assertEquals("STOP", last.path("candidates").get(0).path("finishReason").asText());
        assertEquals(412, last.path("usageMetadata").path("promptTokenCount").asInt());
        assertEquals(256, last.path("usageMetadata").path("cachedContentTokenCount").asInt());
        assertEquals(470, last.path("usageMetadata").path("totalTokenCount").asInt());
        assertEquals(3, events.size(), "two whole calls and the final event");
        for (String event : out.split("\r\n\r\n")) {
            assertTrue(event.startsWith("data: {") && !event.contains("\n"), "one single-line data event: " + event);
        }
    }

    @Test
    void geminiThroughTheCanonicalChunksKeepsThoughtsAndSignatures() {
        String out = new String(everySplit(GeminiStreamsTest::geminiToGemini,
                Golden.bytes("gemini/stream-tool-calls.sse")), StandardCharsets.UTF_8);
        List<JsonNode> events = geminiEvents(out);
        JsonNode thought = events.get(0).path("candidates").get(0).path("content").path("parts").get(0);
        assertTrue(thought.path("thought").asBoolean());
        JsonNode call = events.get(1).path("candidates").get(0).path("content").path("parts").get(0);
        assertEquals(SIGNATURE, call.path("thoughtSignature").asText(), "the signature stays on its call");
        assertFalse(call.path("functionCall").has("id"), "no synthesized id is shown to a Gemini client");
        JsonNode usage = events.get(events.size() - 1).path("usageMetadata");
        assertEquals(31, usage.path("candidatesTokenCount").asInt());
        assertEquals(75, usage.path("thoughtsTokenCount").asInt());
    }

    @Test
    void passthroughForwardsTheUpstreamBytesAndReadsUsage() {
        byte[] golden = Golden.bytes("gemini/stream-basic.sse");
        byte[] out = everySplit(() -> new GeminiPassthroughRelay(LIMITS), golden);
        assertArrayEquals(golden, out);
        GeminiPassthroughRelay relay = new GeminiPassthroughRelay(LIMITS);
        relay.onUpstreamBytes(golden);
        relay.onUpstreamEnd();
        assertTrue(relay.complete());
        assertEquals(new Usage(1045, 1024, 0, 64, 48, Usage.Source.PROVIDER), relay.reportedUsage());
        assertTrue(relay.generatedText().toString().startsWith("Wellington is the capital"));
    }

    @Test
    void aBareErrorAfter200EndsTheClientStreamWithGooglesErrorObject() {
        byte[] golden = Golden.bytes("gemini/stream-error-after-200.sse");
        String firstEvent = new String(golden, StandardCharsets.UTF_8).split("\r\n\r\n")[0] + "\r\n\r\n";
        String expectedError = "{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\","
                + "\"status\":\"UNAVAILABLE\"}}\n";

        String passthrough = new String(everySplit(() -> new GeminiPassthroughRelay(LIMITS), golden),
                StandardCharsets.UTF_8);
        assertEquals(firstEvent + expectedError, passthrough);

        String translated = new String(everySplit(GeminiStreamsTest::geminiToGemini, golden), StandardCharsets.UTF_8);
        assertTrue(translated.endsWith("\r\n\r\n" + expectedError), translated);

        TranslatingRelay toOpenAi = geminiToOpenAi();
        String openAi = new String(toOpenAi.onUpstreamBytes(golden), StandardCharsets.UTF_8);
        assertTrue(openAi.contains("\"content\":\"Partial answer\""));
        assertTrue(openAi.endsWith("data: {\"error\":{\"message\":\"The model is overloaded. Please try again later.\","
                + "\"type\":\"api_error\",\"param\":null,\"code\":\"upstream_error\"}}\n\n"), openAi);
        assertNotNull(toOpenAi.upstreamError());
        assertEquals(Usage.Source.PROVIDER_PARTIAL, toOpenAi.reportedUsage().source());
    }

    @Test
    void anErrorInADataEventAndAnErrorWithoutLineEndAreErrorsToo() {
        GeminiChunkDecoder decoder = new GeminiChunkDecoder(LIMITS);
        GatewayError e = assertThrows(GatewayError.class, () -> decoder.decode(
                "data: {\"error\":{\"code\":429,\"message\":\"quota\",\"status\":\"RESOURCE_EXHAUSTED\"}}\n\n"
                        .getBytes(StandardCharsets.UTF_8),
                c -> {
                }));
        assertEquals(429, e.upstreamStatus());

        GeminiPassthroughRelay relay = new GeminiPassthroughRelay(LIMITS);
        relay.onUpstreamBytes("{\"error\":{\"code\":500,\"message\":\"boom\",\"status\":\"INTERNAL\"}}"
                .getBytes(StandardCharsets.UTF_8));
        String end = new String(relay.onUpstreamEnd(), StandardCharsets.UTF_8);
        assertEquals("{\"error\":{\"code\":500,\"message\":\"boom\",\"status\":\"INTERNAL\"}}\n", end);
        assertFalse(relay.complete());
    }

    @Test
    void aStreamWithoutFinishReasonIsTruncated() {
        String golden = new String(Golden.bytes("gemini/stream-basic.sse"), StandardCharsets.UTF_8);
        byte[] cut = golden.substring(0, golden.lastIndexOf("data: ")).getBytes(StandardCharsets.UTF_8);
        TranslatingRelay relay = geminiToGemini();
        relay.onUpstreamBytes(cut);
        String end = new String(relay.onUpstreamEnd(), StandardCharsets.UTF_8);
        assertFalse(relay.complete());
        assertEquals("upstream_stream_truncated", relay.upstreamError().code());
        assertTrue(end.startsWith("{\"error\":{\"code\":502,"), end);
        GeminiPassthroughRelay passthrough = new GeminiPassthroughRelay(LIMITS);
        passthrough.onUpstreamBytes(cut);
        assertTrue(new String(passthrough.onUpstreamEnd(), StandardCharsets.UTF_8).startsWith("{\"error\":"));
        assertEquals(Usage.Source.PROVIDER_PARTIAL, passthrough.reportedUsage().source());
    }

    @Test
    void withoutAltSseTheStreamIsOneJsonArrayWrittenAsItGoes() {
        for (String golden : List.of("gemini/stream-basic.sse", "gemini/stream-error-after-200.sse")) {
            byte[] sse = Golden.bytes(golden);
            List<JsonNode> expected = new ArrayList<>(geminiEvents(new String(sse, StandardCharsets.UTF_8)));
            if (golden.contains("error")) {
                expected.add(Golden.tree(("{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try "
                        + "again later.\",\"status\":\"UNAVAILABLE\"}}").getBytes(StandardCharsets.UTF_8)));
            }
            for (int split = 0; split <= sse.length; split++) {
                GeminiArrayStream array = new GeminiArrayStream();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(array.onBytes(Arrays.copyOfRange(sse, 0, split)));
                out.writeBytes(array.onBytes(Arrays.copyOfRange(sse, split, sse.length)));
                out.writeBytes(array.end());
                JsonNode parsed = Golden.tree(out.toByteArray());
                assertEquals(expected, toList(parsed), golden + " split at " + split);
            }
        }
        GeminiArrayStream empty = new GeminiArrayStream();
        assertEquals("[]", new String(empty.end(), StandardCharsets.UTF_8));
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    private static List<SseEvent> events(String stream) {
        List<SseEvent> events = new ArrayList<>();
        new SseDecoder(1 << 20, 1 << 22).feed(stream.getBytes(StandardCharsets.UTF_8), events::add);
        return events;
    }

    private static List<JsonNode> geminiEvents(String stream) {
        return events(stream).stream().map(e -> Golden.tree(e.data().getBytes(StandardCharsets.UTF_8))).toList();
    }
}
