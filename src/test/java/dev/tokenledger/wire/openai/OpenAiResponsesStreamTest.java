package dev.tokenledger.wire.openai;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.OpenAiStreamSummary;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.TranslatingRelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Responses streams for clients: OpenAI chat upstream streams written as Responses events (golden output, the same at
 * every chunk boundary, in the documented event order).
 */
class OpenAiResponsesStreamTest {

    private static final String DIR = "openai-responses/";
    private static final StreamLimits LIMITS = new StreamLimits(1 << 20, 1 << 22);
    private static final Usage ESTIMATE = new Usage(1, 0, 0, 1, 0, Usage.Source.ESTIMATED);

    private static TranslatingRelay chatToResponses() {
        return new TranslatingRelay(new OpenAiChunkDecoder(LIMITS), new OpenAiResponsesChunkEncoder(), t -> ESTIMATE);
    }

    // ---- client side: the encoder ----

    /** A chat stream translated at every chunk boundary, compared with the golden output and summarized. */
    private static String fromChat(String input, String expected) {
        byte[] out = everySplitTheSame(Golden.bytes(input), OpenAiResponsesStreamTest::chatToResponses);
        GoldenOutput.assertBytes(DIR + expected, out);
        return summarize(out);
    }

    @Test
    void chatTextStreamAsResponsesEvents() {
        assertEquals("text=Canberra is the capital of Australia — not Sydney 🙂. Café tip: in 中文 it is 堪培拉.\n"
                + "response.completed usage=1342/1152/187/128",
                fromChat("openai/chat-stream-basic.sse", "stream-from-chat-basic.sse"));
    }

    @Test
    void chatToolCallStreamAsResponsesEvents() {
        assertEquals("call_kR7vX2mN9pQ4sT1wY6zB3cD8 get_weather {\"city\": \"São Paulo\", \"unit\": \"celsius\"}\n"
                + "call_Ht5jL0aE2uW8nF3gV7bK1xQ9 get_local_time {\"timezone\": \"America/Sao_Paulo\"}\n"
                + "response.completed usage=412/256/58/0",
                fromChat("openai/chat-stream-tool-calls.sse", "stream-from-chat-tool-calls.sse"));
    }

    @Test
    void anUpstreamErrorAfter200EndsWithResponseFailed() {
        TranslatingRelay relay = chatToResponses();
        byte[] out = run(relay, List.of(Golden.bytes("openai/chat-stream-error-after-200.sse")));
        assertNotNull(relay.upstreamError());
        assertEquals("text=Here is a summary of the quarterly report:\nresponse.failed error=upstream_error: The server had "
                + "an error while processing your request. Sorry about that!", summarize(out));
        assertEquals(0, relay.onFailure(relay.upstreamError()).length);
    }

    @Test
    void aStreamCutShortEndsWithResponseFailed() {
        String golden = new String(Golden.bytes("openai/chat-stream-basic.sse"), StandardCharsets.UTF_8);
        byte[] cut = golden.substring(0, golden.indexOf("\"finish_reason\":\"stop\"")).getBytes(StandardCharsets.UTF_8);
        byte[] out = run(chatToResponses(), List.of(cut));
        assertTrue(summarize(out).endsWith("response.failed error=upstream_stream_truncated: The upstream closed the "
                + "stream before it was complete."), summarize(out));
    }

    @Test
    void aLengthFinishIsResponseIncomplete() {
        String stream = new String(Golden.bytes("openai/chat-stream-basic.sse"), StandardCharsets.UTF_8)
                .replace("\"finish_reason\":\"stop\"", "\"finish_reason\":\"length\"");
        String summary = summarize(run(chatToResponses(), List.of(stream.getBytes(StandardCharsets.UTF_8))));
        assertTrue(summary.endsWith("response.incomplete(max_output_tokens) usage=1342/1152/187/128"), summary);
    }

    @Test
    void reasoningBecomesAReasoningItemAndForeignSignaturesAreDropped() {
        OpenAiResponsesChunkEncoder encoder = new OpenAiResponsesChunkEncoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ChatChunk chunk : List.of(new ChatChunk.Start("msg_01", "claude-sonnet-4-5", 1),
                new ChatChunk.Reasoning(0, "Paris in ", null, null, "anthropic"),
                new ChatChunk.Reasoning(0, "spring 🙂", null, null, "anthropic"),
                new ChatChunk.Reasoning(0, null, "EqQBCkYIBxgCKkD-signature", null, "anthropic"),
                new ChatChunk.Text(0, "Mild."), new ChatChunk.Finish(0, "stop", null))) {
            encoder.encode(chunk, out);
        }
        encoder.finish(new Usage(10, 0, 0, 5, 3, Usage.Source.PROVIDER), out);
        String stream = new String(out.toByteArray(), StandardCharsets.UTF_8);
        assertEquals("reasoning=Paris in spring 🙂\ntext=Mild.\nresponse.completed usage=10/0/5/3",
                summarize(out.toByteArray()));
        assertFalse(stream.contains("signature"), stream);
        assertTrue(stream.contains("\"id\":\"resp_msg_01\""), stream);
    }

    @Test
    void interleavedParallelCallArgumentsEndTheStreamRatherThanLoseArguments() {
        String chunk = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[%s]}}]}\n\n";
        String stream = chunk.formatted("{\"index\":0,\"id\":\"call_a\",\"function\":{\"name\":\"a\",\"arguments\":\"{\"}}")
                + chunk.formatted("{\"index\":1,\"id\":\"call_b\",\"function\":{\"name\":\"b\",\"arguments\":\"{}\"}}")
                + chunk.formatted("{\"index\":0,\"function\":{\"arguments\":\"}\"}}");
        TranslatingRelay relay = chatToResponses();
        String summary = summarize(run(relay, List.of(stream.getBytes(StandardCharsets.UTF_8))));
        assertTrue(summary.endsWith("response.failed error=upstream_protocol_error: The upstream interleaved the "
                + "arguments of parallel tool calls."), summary);
    }

    // ---- helpers ----

    /** Runs the stream cut in two at every byte offset; every run must write the same bytes, which are returned. */
    static byte[] everySplitTheSame(byte[] input, java.util.function.Supplier<TranslatingRelay> relays) {
        byte[] whole = run(relays.get(), List.of(input));
        for (int split = 1; split < input.length; split++) {
            byte[] out = run(relays.get(), List.of(Arrays.copyOfRange(input, 0, split),
                    Arrays.copyOfRange(input, split, input.length)));
            assertEquals(new String(whole, StandardCharsets.UTF_8), new String(out, StandardCharsets.UTF_8),
                    "split at " + split);
        }
        return run(relays.get(), List.of(input));
    }

    static byte[] run(TranslatingRelay relay, List<byte[]> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(c -> out.writeBytes(relay.onUpstreamBytes(c)));
        out.writeBytes(relay.onUpstreamEnd());
        return out.toByteArray();
    }

    static List<SseEvent> events(byte[] stream) {
        List<SseEvent> events = new ArrayList<>();
        new SseDecoder(1 << 20, 1 << 22).feed(stream, events::add);
        return events;
    }

    /**
     * A Responses stream in short (reasoning, text, each function call, how it ended and its usage), after checking
     * the rules every Responses client relies on: {@code event:} equals the data's type, sequence numbers count up
     * from 0, the stream opens with created and in_progress, every item is added before its deltas and done once
     * after them, and exactly one terminal event comes last.
     */
    static String summarize(byte[] stream) {
        List<SseEvent> events = events(stream);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder text = new StringBuilder();
        List<StringBuilder> calls = new ArrayList<>();
        Set<Integer> open = new HashSet<>();
        Set<Integer> closed = new HashSet<>();
        String tail = null;
        for (int i = 0; i < events.size(); i++) {
            SseEvent event = events.get(i);
            JsonNode data = Golden.tree(event.data().getBytes(StandardCharsets.UTF_8));
            String type = data.path("type").asText();
            assertEquals(event.type(), type);
            assertEquals(i, data.path("sequence_number").asInt(-1), "sequence_number of " + type);
            if (i < 2) {
                assertEquals(i == 0 ? "response.created" : "response.in_progress", type);
                continue;
            }
            assertEquals(null, tail, "nothing after the terminal event");
            int index = data.path("output_index").asInt(-1);
            switch (type) {
                case "response.output_item.added" -> {
                    assertTrue(open.add(index) && !closed.contains(index), "added once: " + index);
                    if ("function_call".equals(data.at("/item/type").asText())) {
                        calls.add(new StringBuilder(data.at("/item/call_id").asText() + " " + data.at("/item/name").asText()
                                + " "));
                    }
                }
                case "response.output_item.done" -> assertTrue(open.remove(index) && closed.add(index), "done once");
                case "response.output_text.delta" -> text.append(delta(data, open));
                case "response.reasoning_text.delta" -> reasoning.append(delta(data, open));
                case "response.function_call_arguments.delta" -> calls.get(calls.size() - 1).append(delta(data, open));
                case "response.completed", "response.incomplete", "response.failed" -> {
                    JsonNode response = data.get("response");
                    String reason = response.path("incomplete_details").path("reason").asText("");
                    tail = type + (reason.isEmpty() ? "" : "(" + reason + ")");
                    JsonNode usage = response.path("usage");
                    if (usage.isObject()) {
                        tail += " usage=" + usage.path("input_tokens").asInt() + "/"
                                + usage.at("/input_tokens_details/cached_tokens").asInt() + "/"
                                + usage.path("output_tokens").asInt() + "/"
                                + usage.at("/output_tokens_details/reasoning_tokens").asInt();
                    }
                    if (response.path("error").isObject()) {
                        tail += " error=" + response.at("/error/code").asText() + ": "
                                + response.at("/error/message").asText();
                    } else {
                        assertTrue(open.isEmpty(), "every item is done before the response ends");
                    }
                }
                default -> {
                }
            }
        }
        return OpenAiStreamSummary.lines(reasoning, text, calls, tail);
    }

    private static String delta(JsonNode data, Set<Integer> open) {
        assertTrue(open.contains(data.path("output_index").asInt()), "delta of an open item");
        return data.path("delta").asText();
    }
}
