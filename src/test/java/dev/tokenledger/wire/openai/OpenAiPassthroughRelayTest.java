package dev.tokenledger.wire.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.testing.Chunks;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.wire.StreamLimits;

import static dev.tokenledger.testing.Chunks.byteByByte;
import static dev.tokenledger.testing.Chunks.concat;
import static dev.tokenledger.testing.Chunks.fixedSplits;
import static dev.tokenledger.testing.Chunks.randomSplits;
import static dev.tokenledger.testing.Golden.fieldNames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenAI stream in, OpenAI stream out: byte-exact forwarding, usage capture and errors after 200. */
class OpenAiPassthroughRelayTest {

    private static final StreamLimits LIMITS = new StreamLimits(1 << 20, 1 << 22);

    private static final String BASIC = "openai/chat-stream-basic.sse";
    private static final String TOOLS = "openai/chat-stream-tool-calls.sse";
    private static final String ERROR = "openai/chat-stream-error-after-200.sse";

    private static final Usage BASIC_USAGE = new Usage(1342, 1152, 0, 187, 128, Usage.Source.PROVIDER);
    private static final Usage TOOLS_USAGE = new Usage(412, 256, 0, 58, 0, Usage.Source.PROVIDER);
    private static final String BASIC_TEXT = "Canberra is the capital of Australia — not Sydney 🙂. Café tip: in 中文 it is 堪培拉.";
    private static final String TOOLS_TEXT = "get_weather{\"city\": \"São Paulo\", \"unit\": \"celsius\"}"
            + "get_local_time{\"timezone\": \"America/Sao_Paulo\"}";

    /** A way to cut a stream into network chunks. */
    interface Chunking {
        List<byte[]> split(byte[] input);
    }

    static Stream<Arguments> chunkings() {
        return Stream.of(
                Arguments.of("whole", (Chunking) List::of),
                Arguments.of("byte by byte", (Chunking) Chunks::byteByByte),
                Arguments.of("random seed 1", (Chunking) in -> randomSplits(in, 1)),
                Arguments.of("random seed 42", (Chunking) in -> randomSplits(in, 42)),
                Arguments.of("random seed 2026", (Chunking) in -> randomSplits(in, 2026)),
                Arguments.of("7-byte chunks", (Chunking) in -> fixedSplits(in, 7)));
    }

    // ---- complete streams ----

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("chunkings")
    void basicStreamIsForwardedByteForByteWhenTheClientAskedForUsage(String name, Chunking chunking) {
        assertForwardedWithUsage(Golden.bytes(BASIC), chunking, BASIC_USAGE, BASIC_TEXT);
    }

    /** With usage asked for, the stream passes byte for byte, complete, its usage and text read in flight. */
    private static void assertForwardedWithUsage(byte[] input, Chunking chunking, Usage usage, String text) {
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);

        assertArrayEquals(input, run(relay, chunking.split(input)));
        assertTrue(relay.complete());
        assertNull(relay.upstreamError());
        assertEquals(usage, relay.reportedUsage());
        assertEquals(text, relay.generatedText().toString());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("chunkings")
    void usageOnlyChunkIsHiddenWhenTheClientDidNotAskForUsage(String name, Chunking chunking) {
        byte[] input = Golden.bytes(BASIC);
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(false, LIMITS);

        byte[] out = run(relay, chunking.split(input));
        assertEquals(withoutUsageOnlyEvent(input), new String(out, StandardCharsets.UTF_8));
        assertTrue(new String(out, StandardCharsets.UTF_8).endsWith("\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
                + "data: [DONE]\n\n"));
        assertTrue(relay.complete());
        assertEquals(BASIC_USAGE, relay.reportedUsage(), "usage is read even from the hidden chunk");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("chunkings")
    void toolCallStreamIsForwardedAndItsArgumentsCounted(String name, Chunking chunking) {
        byte[] input = Golden.bytes(TOOLS);
        assertForwardedWithUsage(input, chunking, TOOLS_USAGE, TOOLS_TEXT);

        OpenAiPassthroughRelay withoutUsage = new OpenAiPassthroughRelay(false, LIMITS);
        assertEquals(withoutUsageOnlyEvent(input),
                new String(run(withoutUsage, chunking.split(input)), StandardCharsets.UTF_8));
        assertEquals(TOOLS_USAGE, withoutUsage.reportedUsage());
    }

    @Test
    void multiByteCharactersSurviveASplitAtEveryOffset() {
        byte[] input = Golden.bytes(BASIC);
        for (int cut = 0; cut <= input.length; cut++) {
            OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);
            byte[] out = run(relay, List.of(Arrays.copyOfRange(input, 0, cut), Arrays.copyOfRange(input, cut, input.length)));
            assertArrayEquals(input, out, "cut at " + cut);
            assertEquals(BASIC_TEXT, relay.generatedText().toString(), "cut at " + cut);
        }
    }

    @Test
    void crlfStreamIsForwardedByteForByte() {
        byte[] input = new String(Golden.bytes(BASIC), StandardCharsets.UTF_8).replace("\n", "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        for (Chunking chunking : List.<Chunking>of(List::of, Chunks::byteByByte)) {
            OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);
            assertArrayEquals(input, run(relay, chunking.split(input)));
            assertTrue(relay.complete());
            assertEquals(BASIC_USAGE, relay.reportedUsage());
        }
    }

    @Test
    void usageOnChunksWithChoicesIsReadAndTheLastOneWins() {
        String input = chunk("{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}",
                "{\"prompt_tokens\":10,\"completion_tokens\":1,\"total_tokens\":11}")
                + chunk("{\"index\":0,\"delta\":{\"content\":\" there\"},\"finish_reason\":\"stop\"}",
                        "{\"prompt_tokens\":10,\"completion_tokens\":2,\"total_tokens\":12,"
                                + "\"prompt_tokens_details\":{\"cached_tokens\":4}}")
                + "data: [DONE]\n\n";
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(false, LIMITS);

        // chunks that carry choices are never hidden, even when they carry usage the client did not ask for
        assertEquals(input, new String(run(relay, List.of(utf8(input))), StandardCharsets.UTF_8));
        assertEquals(new Usage(10, 4, 0, 2, 0, Usage.Source.PROVIDER), relay.reportedUsage());
        assertEquals("Hi there", relay.generatedText().toString());
    }

    @Test
    void firstChunkWithEmptyChoicesAndNoUsageIsForwarded() {
        // Azure's first chunk: choices [] with prompt_filter_results and no usage; not a usage chunk
        String azureFirst = "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
                + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}\n\n";
        String input = azureFirst + chunk("{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}", null)
                + "data: [DONE]\n\n";
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(false, LIMITS);

        assertEquals(input, new String(run(relay, List.of(utf8(input))), StandardCharsets.UTF_8));
        assertTrue(relay.complete());
        assertNull(relay.reportedUsage());
    }

    @Test
    void reasoningContentCountsAsGeneratedText() {
        String input = chunk("{\"index\":0,\"delta\":{\"reasoning_content\":\"Let me think. \"},\"finish_reason\":null}", null)
                + chunk("{\"index\":0,\"delta\":{\"content\":\"42\"},\"finish_reason\":\"stop\"}", null)
                + "data: [DONE]\n\n";
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);
        run(relay, List.of(utf8(input)));
        assertEquals("Let me think. 42", relay.generatedText().toString());
    }

    @Test
    void eventsAfterDoneAreNotForwarded() {
        byte[] input = concat(Golden.bytes(BASIC), utf8(chunk("{\"index\":0,\"delta\":{\"content\":\"late\"}}", null)));
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);
        assertArrayEquals(Golden.bytes(BASIC), run(relay, List.of(input)));
        assertTrue(relay.complete());
    }

    // ---- errors after 200 ----

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("chunkings")
    void errorEventAfter200BecomesAnOpenAiErrorEventAndEndsTheStream(String name, Chunking chunking) {
        byte[] golden = Golden.bytes(ERROR);
        // whatever the upstream sends after its error (here more content and [DONE]) is not forwarded
        byte[] input = concat(golden,
                utf8(chunk("{\"index\":0,\"delta\":{\"content\":\" more\"},\"finish_reason\":null}", null)),
                utf8("data: [DONE]\n\n"));
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);

        String out = new String(run(relay, chunking.split(input)), StandardCharsets.UTF_8);
        String upstreamErrorEvent = "data: {\"error\":{\"message\":\"The server had an error while processing your request."
                + " Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";
        String beforeError = new String(golden, StandardCharsets.UTF_8).replace(upstreamErrorEvent, "");
        String expectedErrorEvent = "data: {\"error\":{\"message\":\"The server had an error while processing your request."
                + " Sorry about that!\",\"type\":\"api_error\",\"param\":null,\"code\":\"upstream_error\"}}\n\n";
        assertEquals(beforeError + expectedErrorEvent, out);
        assertFalse(out.contains("[DONE]"));

        GatewayError error = relay.upstreamError();
        assertEquals(ErrorKind.UPSTREAM_ERROR, error.kind());
        assertEquals("upstream_error", error.code());
        assertEquals("The server had an error while processing your request. Sorry about that!", error.getMessage());
        assertFalse(relay.complete());
        assertNull(relay.reportedUsage());
        assertEquals("Here is a summary of the quarterly report:", relay.generatedText().toString());
        assertArrayEquals(new byte[0], relay.onFailure(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "again")),
                "only one error event per stream");
    }

    @Test
    void errorEventKeepsUsageReportedBeforeItAsPartial() {
        String input = chunk("{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}",
                "{\"prompt_tokens\":10,\"completion_tokens\":1,\"total_tokens\":11}")
                + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n";
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);
        run(relay, List.of(utf8(input)));
        assertEquals(new Usage(10, 0, 0, 1, 0, Usage.Source.PROVIDER_PARTIAL), relay.reportedUsage());
    }

    @Test
    void dataThatIsNotJsonIsAProtocolError() {
        String input = chunk("{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}", null)
                + "data: <html>502 Bad Gateway</html>\n\n";
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);
        String out = new String(run(relay, List.of(utf8(input))), StandardCharsets.UTF_8);

        assertEquals("upstream_protocol_error", relay.upstreamError().code());
        JsonNode error = lastErrorEvent(out);
        assertEquals("upstream_protocol_error", error.get("code").asText());
        assertEquals("api_error", error.get("type").asText());
        assertFalse(relay.complete());
    }

    @Test
    void oversizedLineIsAnUpstreamProtocolError() {
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, new StreamLimits(64, 1 << 20));
        GatewayError e = assertThrows(GatewayError.class,
                () -> relay.onUpstreamBytes(utf8("data: " + "x".repeat(100) + "\n\n")));
        assertEquals(ErrorKind.UPSTREAM_ERROR, e.kind());
        assertEquals("upstream_protocol_error", e.code());
    }

    @Test
    void oversizedEventIsAnUpstreamProtocolError() {
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, new StreamLimits(1 << 20, 256));
        GatewayError e = assertThrows(GatewayError.class,
                () -> relay.onUpstreamBytes(utf8("data: {}\n".repeat(100))));
        assertEquals("upstream_protocol_error", e.code());
    }

    @Test
    void invalidUtf8IsAnUpstreamProtocolError() {
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);
        GatewayError e = assertThrows(GatewayError.class, () -> relay.onUpstreamBytes(
                concat(utf8("data: {\"choices\":[{\"delta\":{\"content\":\""), new byte[]{(byte) 0xC3, 0x28},
                        utf8("\"}}]}\n\n"))));
        assertEquals(ErrorKind.UPSTREAM_ERROR, e.kind());
        assertEquals("upstream_protocol_error", e.code());
    }

    @Test
    void failureAfterStartIsAnErrorEventOnce() {
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);
        feed(relay, List.of(utf8(chunk("{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}", null))));
        GatewayError timeout = GatewayError.upstream(ErrorKind.UPSTREAM_TIMEOUT, 0, "The upstream stopped sending.",
                null);

        assertEquals("data: {\"error\":{\"message\":\"The upstream stopped sending.\",\"type\":\"api_error\","
                + "\"param\":null,\"code\":\"upstream_timeout\"}}\n\n",
                new String(relay.onFailure(timeout), StandardCharsets.UTF_8));
        assertEquals(timeout, relay.upstreamError());
        assertArrayEquals(new byte[0], relay.onFailure(timeout));
        assertArrayEquals(new byte[0], relay.onUpstreamEnd());
    }

    @Test
    void failureAfterDoneWritesNothing() {
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);
        run(relay, List.of(Golden.bytes(BASIC)));
        assertArrayEquals(new byte[0], relay.onFailure(GatewayError.of(ErrorKind.UPSTREAM_ERROR, "late")));
        assertTrue(relay.complete());
        assertNull(relay.upstreamError());
    }

    // ---- streams cut before [DONE] ----

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("chunkings")
    void streamCutAfterTheUsageChunkEndsWithAnErrorEventAndPartialUsage(String name, Chunking chunking) {
        String full = new String(Golden.bytes(BASIC), StandardCharsets.UTF_8);
        byte[] input = utf8(full.substring(0, full.indexOf("data: [DONE]")));
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);

        byte[] out = concat(feed(relay, chunking.split(input)));
        assertArrayEquals(input, out);
        String end = new String(relay.onUpstreamEnd(), StandardCharsets.UTF_8);

        assertEquals("data: {\"error\":{\"message\":\"The upstream closed the stream before it was complete.\","
                + "\"type\":\"api_error\",\"param\":null,\"code\":\"upstream_stream_truncated\"}}\n\n", end);
        assertFalse(relay.complete());
        assertEquals("upstream_stream_truncated", relay.upstreamError().code());
        assertEquals(BASIC_USAGE.withSource(Usage.Source.PROVIDER_PARTIAL), relay.reportedUsage());
        assertEquals(BASIC_TEXT, relay.generatedText().toString());
    }

    @Test
    void unterminatedUsageEventIsReadButNotForwarded() {
        String full = new String(Golden.bytes(BASIC), StandardCharsets.UTF_8);
        String usageEvent = full.substring(full.indexOf("data: {", full.indexOf("\"finish_reason\":\"stop\"")),
                full.indexOf("data: [DONE]"));
        String beforeUsage = full.substring(0, full.indexOf(usageEvent));
        String cut = beforeUsage + usageEvent.substring(0, usageEvent.length() - 2); // no terminating blank line
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);

        assertEquals(beforeUsage, new String(concat(feed(relay, List.of(utf8(cut)))), StandardCharsets.UTF_8),
                "the unterminated event is not forwarded");
        assertEquals("upstream_stream_truncated", lastErrorEvent(
                new String(relay.onUpstreamEnd(), StandardCharsets.UTF_8)).get("code").asText());
        assertFalse(relay.complete());
        assertEquals(BASIC_USAGE.withSource(Usage.Source.PROVIDER_PARTIAL), relay.reportedUsage());
    }

    @Test
    void streamCutInTheMiddleOfContentHasNoUsageButKeepsTheText() {
        String full = new String(Golden.bytes(BASIC), StandardCharsets.UTF_8);
        String cut = full.substring(0, full.indexOf(" — not Sydney"));
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(false, LIMITS);

        String out = new String(run(relay, List.of(utf8(cut))), StandardCharsets.UTF_8);
        assertTrue(out.endsWith("\"code\":\"upstream_stream_truncated\"}}\n\n"), out);
        assertFalse(out.contains("[DONE]"));
        assertFalse(relay.complete());
        assertNull(relay.reportedUsage());
        assertEquals("Canberra is the capital of Australia", relay.generatedText().toString());
    }

    @Test
    void emptyUpstreamStreamIsTruncated() {
        OpenAiPassthroughRelay relay = new OpenAiPassthroughRelay(true, LIMITS);
        JsonNode error = lastErrorEvent(new String(relay.onUpstreamEnd(), StandardCharsets.UTF_8));
        assertEquals("upstream_stream_truncated", error.get("code").asText());
        assertFalse(relay.complete());
        assertNull(relay.reportedUsage());
        assertEquals("", relay.generatedText().toString());
    }

    @Test
    void errorEventBytesAreOneCompleteSseEvent() {
        byte[] event = OpenAiPassthroughRelay.errorEvent(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 502,
                "Upstream said \"no\" — über", "upstream_error"));
        assertEquals("data: {\"error\":{\"message\":\"Upstream said \\\"no\\\" — über\",\"type\":\"api_error\","
                + "\"param\":null,\"code\":\"upstream_error\"}}\n\n", new String(event, StandardCharsets.UTF_8));
    }

    // ---- helpers ----

    /** Feeds every chunk, then ends the stream; returns all bytes written to the client. */
    private static byte[] run(OpenAiPassthroughRelay relay, List<byte[]> chunks) {
        List<byte[]> out = feed(relay, chunks);
        out.add(relay.onUpstreamEnd());
        return concat(out);
    }

    private static List<byte[]> feed(OpenAiPassthroughRelay relay, List<byte[]> chunks) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] chunk : chunks) {
            out.add(relay.onUpstreamBytes(chunk));
            if (relay.upstreamError() != null) {
                break; // what the pipeline does: the upstream is dropped once the relay wrote an error event
            }
        }
        return out;
    }

    /** The stream without its one event that has {@code "choices":[]} and a usage object. */
    private static String withoutUsageOnlyEvent(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        List<String> events = new ArrayList<>(List.of(text.split("(?<=\n\n)")));
        int before = events.size();
        events.removeIf(e -> e.contains("\"choices\":[],\"usage\":{"));
        assertEquals(before - 1, events.size(), "the golden stream has exactly one usage-only event");
        return String.join("", events);
    }

    private static String chunk(String choice, String usage) {
        return "data: {\"id\":\"chatcmpl-t\",\"object\":\"chat.completion.chunk\",\"created\":1760000000,\"model\":\"m\","
                + "\"choices\":[" + choice + "],\"usage\":" + usage + "}\n\n";
    }

    private static JsonNode lastErrorEvent(String out) {
        int at = out.lastIndexOf("data: {\"error\"");
        assertTrue(at >= 0, out);
        assertTrue(out.endsWith("\n\n"), out);
        JsonNode error = Golden.tree(utf8(out.substring(at + 6, out.length() - 2))).get("error");
        assertEquals(List.of("message", "type", "param", "code"), fieldNames(error));
        return error;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
