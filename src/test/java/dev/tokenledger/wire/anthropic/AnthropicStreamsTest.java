package dev.tokenledger.wire.anthropic;

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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Anthropic streams, split at every byte offset: the decoder (Anthropic upstream), the encoder (Anthropic client,
 * fed by an OpenAI upstream), and the pass-through relay (both Anthropic).
 */
class AnthropicStreamsTest {

    private static final StreamLimits LIMITS = new StreamLimits(1 << 20, 1 << 22);
    private static final Usage ESTIMATE = new Usage(1, 0, 0, 1, 0, Usage.Source.ESTIMATED);

    // ---- decoder ----

    @Test
    void decoderReadsTextAndUsageAtEverySplit() {
        String summary = decodeAtEverySplit("anthropic/messages-stream-basic.sse");
        assertEquals("start msg_01HCDu5LRGeP2o7s2xGmxyx8 claude-sonnet-4-5-20250929\n"
                + "usage 121/100/0/1\n"
                + "text Hel\n"
                + "text lo 🙂 中é\n"
                + "usage 121/100/0/6\n"
                + "finish stop null\n", summary);
    }

    @Test
    void decoderReadsThinkingSignaturesAndToolCallsAtEverySplit() {
        String summary = decodeAtEverySplit("anthropic/messages-stream-tool-use.sse");
        assertEquals("start msg_014p7gG3wDgGV9EUtLvnow3U claude-sonnet-4-5-20250929\n"
                + "usage 2460/2048/0/2\n"
                + "reasoning Two lookups 🙂;  null anthropic\n"
                + "reasoning call both tools. null anthropic\n"
                + "reasoning null EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxDZXUyMyWuRKdZOwsiMDpD8fGpgs7h1s7VUwQz0r7XqgRKGSn0Tq5GTzk3Wl0pgPQ5Zm7bTtE1LQ== anthropic\n"
                + "text Checking São Paulo.\n"
                + "call 0 toolu_01T1x1fJ34qAmk2tNTrN7Up6 get_weather\n"
                + "args 0 {\"city\": \"São \n"
                + "args 0 Paulo\", \"unit\": \"celsius\"}\n"
                + "call 1 toolu_01NR5Rj3oYgLsB9iKnq8GcXe get_local_time\n"
                + "args 1 {\"timezone\": \n"
                + "args 1 \"America/Sao_Paulo\"}\n"
                + "usage 2460/2048/0/89\n"
                + "finish tool_calls null\n", summary);
    }

    @Test
    void aToolWithoutArgumentsGetsAnEmptyObject() {
        List<String> out = new ArrayList<>();
        AnthropicChunkDecoder decoder = new AnthropicChunkDecoder(LIMITS);
        decoder.decode(("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"now\",\"input\":{}}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n"
                + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n")
                .getBytes(StandardCharsets.UTF_8), c -> out.add(describe(c)));
        assertEquals(List.of("start null null", "call 0 toolu_1 now", "args 0 {}"), out);
    }

    @Test
    void decoderRaisesTheUpstreamErrorEvent() {
        AnthropicChunkDecoder decoder = new AnthropicChunkDecoder(LIMITS);
        GatewayError e = org.junit.jupiter.api.Assertions.assertThrows(GatewayError.class, () -> decoder
                .decode(Golden.bytes("anthropic/messages-stream-error-after-200.sse"), c -> {
                }));
        assertEquals("overloaded_error", e.code());
        assertEquals("Overloaded", e.getMessage());
        assertFalse(decoder.complete());
    }

    private static String decodeAtEverySplit(String golden) {
        byte[] bytes = Golden.bytes(golden);
        String expected = null;
        for (int split = 0; split <= bytes.length; split++) {
            AnthropicChunkDecoder decoder = new AnthropicChunkDecoder(LIMITS);
            StringBuilder sb = new StringBuilder();
            decoder.decode(Arrays.copyOfRange(bytes, 0, split), c -> sb.append(describe(c)).append('\n'));
            decoder.decode(Arrays.copyOfRange(bytes, split, bytes.length), c -> sb.append(describe(c)).append('\n'));
            decoder.end(c -> sb.append(describe(c)).append('\n'));
            assertTrue(decoder.complete(), "split at " + split);
            String summary = sb.toString();
            if (expected == null) {
                expected = summary;
            }
            assertEquals(expected, summary, "split at " + split);
        }
        return expected;
    }

    private static String describe(ChatChunk chunk) {
        if (chunk instanceof ChatChunk.Start s) {
            return "start " + s.id() + " " + s.model();
        } else if (chunk instanceof ChatChunk.Text t) {
            return "text " + t.text();
        } else if (chunk instanceof ChatChunk.Reasoning r) {
            return "reasoning " + r.text() + " " + (r.signature() != null ? r.signature() : r.redactedData()) + " "
                    + r.family();
        } else if (chunk instanceof ChatChunk.ToolCallStart s) {
            return "call " + s.index() + " " + s.id() + " " + s.name();
        } else if (chunk instanceof ChatChunk.ToolArguments a) {
            return "args " + a.index() + " " + a.fragment();
        } else if (chunk instanceof ChatChunk.Finish f) {
            return "finish " + f.reason() + " " + f.stopSequence();
        } else if (chunk instanceof ChatChunk.UsageReport u) {
            Usage usage = u.usage();
            return "usage " + usage.promptTokens() + "/" + usage.cachedPromptTokens() + "/" + usage.cacheWriteTokens() + "/"
                    + usage.completionTokens();
        }
        return chunk.toString();
    }

    // ---- encoder: OpenAI upstream, Anthropic client ----

    @Test
    void openAiToolStreamBecomesTheAnthropicEventSequenceAtEverySplit() {
        byte[] out = relayAtEverySplit("openai/chat-stream-tool-calls.sse",
                () -> new TranslatingRelay(new OpenAiChunkDecoder(LIMITS), new AnthropicChunkEncoder("gpt-test", 17),
                        t -> ESTIMATE));
        assertArrayEquals(Golden.bytes("anthropic/messages-stream-from-openai-tools.sse"), out,
                new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void anthropicStreamReencodedThroughCanonicalKeepsThinkingAndToolsAtEverySplit() {
        byte[] out = relayAtEverySplit("anthropic/messages-stream-tool-use.sse",
                () -> new TranslatingRelay(new AnthropicChunkDecoder(LIMITS), new AnthropicChunkEncoder("m", 0),
                        t -> ESTIMATE));
        List<JsonNode> events = events(out);
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop"),
                events.stream().map(e -> e.path("type").asText()).toList());
        assertEquals("{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxDZXUyMyWuRKdZOwsiMDpD"
                + "8fGpgs7h1s7VUwQz0r7XqgRKGSn0Tq5GTzk3Wl0pgPQ5Zm7bTtE1LQ==\"}", events.get(4).path("delta").toString());
        assertEquals("{\"stop_reason\":\"tool_use\",\"stop_sequence\":null}",
                events.get(17).path("delta").toString());
        assertEquals("{\"input_tokens\":412,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":2048,"
                + "\"output_tokens\":89}", events.get(17).path("usage").toString());
    }

    @Test
    void foreignReasoningIsNotWrittenToAnAnthropicClient() {
        AnthropicChunkEncoder encoder = new AnthropicChunkEncoder("m", 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoder.encode(new ChatChunk.Start("c1", "deepseek", 0), out);
        encoder.encode(new ChatChunk.Reasoning(0, "hmm", null, null, "openai"), out);
        encoder.encode(new ChatChunk.Text(0, "Hi"), out);
        encoder.finish(new Usage(3, 0, 0, 1, 0, Usage.Source.PROVIDER), out);
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop"),
                events(out.toByteArray()).stream().map(e -> e.path("type").asText())
                        .toList());
    }

    @Test
    void anUpstreamErrorMidStreamIsAnAnthropicErrorEvent() {
        String stream = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                + "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n";
        TranslatingRelay relay = new TranslatingRelay(new OpenAiChunkDecoder(LIMITS), new AnthropicChunkEncoder("m", 0),
                t -> ESTIMATE);
        List<JsonNode> events = events(relay.onUpstreamBytes(stream.getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}",
                events.get(events.size() - 1).toString());
        assertNotNull(relay.upstreamError());
    }

    // ---- pass-through ----

    @Test
    void passthroughForwardsEveryByteAndReadsUsageAtEverySplit() {
        for (String golden : List.of("anthropic/messages-stream-basic.sse", "anthropic/messages-stream-tool-use.sse")) {
            byte[] out = relayAtEverySplit(golden, () -> new AnthropicPassthroughRelay(LIMITS));
            assertArrayEquals(Golden.bytes(golden), out, golden);
        }
        AnthropicPassthroughRelay relay = new AnthropicPassthroughRelay(LIMITS);
        relay.onUpstreamBytes(Golden.bytes("anthropic/messages-stream-tool-use.sse"));
        assertEquals(0, relay.onUpstreamEnd().length);
        assertTrue(relay.complete());
        assertEquals(new Usage(2460, 2048, 0, 89, 0, Usage.Source.PROVIDER), relay.reportedUsage(),
                "message_delta usage is cumulative: it replaces, never adds");
        assertTrue(relay.generatedText().toString().contains("America/Sao_Paulo"));
    }

    @Test
    void passthroughForwardsTheUpstreamErrorEventAndStops() {
        byte[] golden = Golden.bytes("anthropic/messages-stream-error-after-200.sse");
        AnthropicPassthroughRelay relay = new AnthropicPassthroughRelay(LIMITS);
        assertArrayEquals(golden, relay.onUpstreamBytes(golden));
        assertEquals("overloaded_error", relay.upstreamError().code());
        assertFalse(relay.complete());
        assertEquals(Usage.Source.PROVIDER_PARTIAL, relay.reportedUsage().source());
        assertEquals(0, relay.onUpstreamEnd().length);
    }

    @Test
    void passthroughEndsATruncatedStreamWithAnErrorEvent() {
        String golden = new String(Golden.bytes("anthropic/messages-stream-basic.sse"), StandardCharsets.UTF_8);
        byte[] cut = golden.substring(0, golden.indexOf("event: message_delta")).getBytes(StandardCharsets.UTF_8);
        AnthropicPassthroughRelay relay = new AnthropicPassthroughRelay(LIMITS);
        relay.onUpstreamBytes(cut);
        List<JsonNode> end = events(relay.onUpstreamEnd());
        assertEquals("api_error", end.get(0).path("error").path("type").asText());
        assertFalse(relay.complete());
        assertNull(relay.upstreamError().param());
    }

    /** Runs a stream through fresh relays split at every byte offset; every split must give the same bytes. */
    private static byte[] relayAtEverySplit(String golden, Supplier<StreamRelay> relays) {
        byte[] bytes = Golden.bytes(golden);
        byte[] expected = null;
        for (int split = 0; split <= bytes.length; split++) {
            StreamRelay relay = relays.get();
            byte[] out = StreamRelays.cutAt(relay, bytes, split);
            assertTrue(relay.complete(), "split at " + split);
            if (expected == null) {
                expected = out;
            }
            assertArrayEquals(expected, out, "split at " + split);
        }
        return expected;
    }

    private static List<JsonNode> events(byte[] stream) {
        List<SseEvent> events = new ArrayList<>();
        new SseDecoder(1 << 20, 1 << 22).feed(stream, events::add);
        List<JsonNode> out = new ArrayList<>();
        for (SseEvent event : events) {
            JsonNode data = Golden.tree(event.data().getBytes(StandardCharsets.UTF_8));
            assertEquals(event.type(), data.path("type").asText(), "event name and data type agree");
            out.add(data);
        }
        return out;
    }
}
