package dev.tokenledger.wire.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.stream.EventStreamFrame;
import dev.tokenledger.wire.EventStreamChunkDecoder;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.TranslatingRelay;
import dev.tokenledger.wire.openai.OpenAiChunkEncoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ConverseStream answers as AWS event-stream frames: the worked frame of wire-formats.md §7 byte for byte, a golden
 * stream (multi-byte UTF-8 in its payloads, a tool call, reasoning, usage with cache reads and writes) split at every
 * byte offset, an exception frame mid-stream, and a frame whose CRC is wrong.
 */
class BedrockStreamsTest {

    static EventStreamChunkDecoder bedrock(StreamLimits limits) {
        return new EventStreamChunkDecoder(limits, new BedrockStreamEvents());
    }

    private static final StreamLimits LIMITS = new StreamLimits(1 << 20, 1 << 20);

    static byte[] frame(String type, String json) {
        return EventStreamFrame.event(type, json.getBytes(StandardCharsets.UTF_8)).encode();
    }

    /** A ConverseStream answer: reasoning, text with multi-byte characters, one tool call, stop, usage. */
    static byte[] golden() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(frame("messageStart", "{\"role\":\"assistant\"}"));
        out.writeBytes(frame("contentBlockDelta",
                "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\"Überlege…\"}}}"));
        out.writeBytes(frame("contentBlockDelta",
                "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"signature\":\"sig-1\"}}}"));
        out.writeBytes(frame("contentBlockStop", "{\"contentBlockIndex\":0}"));
        out.writeBytes(frame("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"text\":\"Grüße 👋 \"}}"));
        out.writeBytes(frame("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"text\":\"日本語\"}}"));
        out.writeBytes(frame("contentBlockStop", "{\"contentBlockIndex\":1}"));
        out.writeBytes(frame("contentBlockStart", "{\"contentBlockIndex\":2,\"start\":{\"toolUse\":"
                + "{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\"}}}"));
        out.writeBytes(
                frame("contentBlockDelta", "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"{\\\"city\\\":\"}}}"));
        out.writeBytes(frame("contentBlockDelta",
                "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"\\\"Zürich\\\"}\"}}}"));
        out.writeBytes(frame("contentBlockStop", "{\"contentBlockIndex\":2}"));
        out.writeBytes(frame("messageStop", "{\"stopReason\":\"tool_use\"}"));
        out.writeBytes(frame("metadata", "{\"usage\":{\"inputTokens\":10,\"outputTokens\":20,\"totalTokens\":135,"
                + "\"cacheReadInputTokens\":100,\"cacheWriteInputTokens\":5},\"metrics\":{\"latencyMs\":300}}"));
        return out.toByteArray();
    }

    /** The chunks of a stream fed in the given pieces, Start's random id left out. */
    private static List<ChatChunk> decode(List<byte[]> pieces) {
        EventStreamChunkDecoder decoder = bedrock(LIMITS);
        List<ChatChunk> chunks = new ArrayList<>();
        for (byte[] piece : pieces) {
            decoder.decode(piece, chunks::add);
        }
        decoder.end(chunks::add);
        assertTrue(decoder.complete());
        assertTrue(chunks.get(0) instanceof ChatChunk.Start);
        return chunks.subList(1, chunks.size());
    }

    @Test
    void theWorkedFrameOfTheReferenceIsEncodedByteForByte() {
        byte[] frame = frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}");
        String hex = HexFormat.of().formatHex(frame);
        assertEquals(148, frame.length);
        assertTrue(hex.startsWith("00000094" + "00000057" + "b4ab9aee" + "0b3a6576656e742d74797065070011"
                + "636f6e74656e74426c6f636b44656c7461"), hex);
        assertTrue(hex.endsWith("1f944657"), hex);
    }

    @Test
    void aGoldenStreamDecodesAlikeWhereverItIsSplit() {
        byte[] stream = golden();
        List<ChatChunk> whole = decode(List.of(stream));
        assertEquals(List.of(
                new ChatChunk.Reasoning(0, "Überlege…", null, null, "anthropic"),
                new ChatChunk.Reasoning(0, null, "sig-1", null, "anthropic"),
                new ChatChunk.Text(0, "Grüße 👋 "),
                new ChatChunk.Text(0, "日本語"),
                new ChatChunk.ToolCallStart(0, 0, "tooluse_1", "get_weather"),
                new ChatChunk.ToolArguments(0, 0, "{\"city\":"),
                new ChatChunk.ToolArguments(0, 0, "\"Zürich\"}"),
                new ChatChunk.Finish(0, "tool_calls", null),
                new ChatChunk.UsageReport(new Usage(115, 100, 5, 20, 0, Usage.Source.PROVIDER))), whole);
        for (int cut = 1; cut < stream.length; cut++) {
            assertEquals(whole, decode(List.of(Arrays.copyOfRange(stream, 0, cut), Arrays.copyOfRange(stream, cut,
                    stream.length))), "split at " + cut);
        }
        List<byte[]> bytes = new ArrayList<>();
        for (byte b : stream) {
            bytes.add(new byte[]{b});
        }
        assertEquals(whole, decode(bytes), "one byte at a time");
    }

    @Test
    void anExceptionFrameMidStreamIsTheUpstreamsError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(frame("messageStart", "{\"role\":\"assistant\"}"));
        out.writeBytes(frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hal\"}}"));
        out.writeBytes(EventStreamFrame.exception("throttlingException",
                "{\"message\":\"Too many tokens, please wait.\"}".getBytes(StandardCharsets.UTF_8)).encode());
        EventStreamChunkDecoder decoder = bedrock(LIMITS);
        List<ChatChunk> chunks = new ArrayList<>();
        GatewayError error = assertThrows(GatewayError.class, () -> decoder.decode(out.toByteArray(), chunks::add));
        assertEquals(ErrorKind.UPSTREAM_RATE_LIMITED, error.kind());
        assertTrue(error.getMessage().contains("Too many tokens"), error.getMessage());
        assertEquals(new ChatChunk.Text(0, "Hal"), chunks.get(1));

        byte[] modelError = EventStreamFrame.exception("modelStreamErrorException",
                "{\"message\":\"boom\",\"originalStatusCode\":500}".getBytes(StandardCharsets.UTF_8)).encode();
        assertEquals(ErrorKind.UPSTREAM_ERROR, assertThrows(GatewayError.class,
                () -> bedrock(LIMITS).decode(modelError, c -> {
                })).kind());
    }

    @Test
    void aCorruptedCrcEndsTheClientStreamWithItsErrorEvent() {
        byte[] stream = golden();
        byte[] corrupted = stream.clone();
        corrupted[frame("messageStart", "{\"role\":\"assistant\"}").length + 40] ^= 0x01; // a payload byte of frame 2
        TranslatingRelay relay = new TranslatingRelay(bedrock(LIMITS), new OpenAiChunkEncoder(true),
                text -> Usage.NONE);
        String out = new String(relay.onUpstreamBytes(corrupted), StandardCharsets.UTF_8);
        assertTrue(out.contains("\"error\""), out);
        assertEquals("upstream_protocol_error", relay.upstreamError().code());
        assertFalse(relay.complete());

        byte[] prelude = stream.clone();
        prelude[9] ^= 0x01; // the prelude CRC of the first frame
        assertEquals("upstream_protocol_error", assertThrows(GatewayError.class,
                () -> bedrock(LIMITS).decode(prelude, c -> {
                })).code());
    }

    @Test
    void aStreamCutInsideAFrameIsNotComplete() {
        byte[] stream = golden();
        EventStreamChunkDecoder decoder = bedrock(LIMITS);
        decoder.decode(Arrays.copyOf(stream, stream.length - 3), c -> {
        });
        decoder.end(c -> {
        });
        assertTrue(decoder.complete(), "messageStop arrived before the cut");
        EventStreamChunkDecoder early = bedrock(LIMITS);
        early.decode(Arrays.copyOf(stream, stream.length / 2), c -> {
        });
        assertFalse(early.complete());
    }

    @Test
    void aFrameOverTheLimitIsRefusedBeforeItIsBuffered() {
        byte[] big = frame("contentBlockDelta", "{\"delta\":{\"text\":\"" + "x".repeat(2000) + "\"}}");
        EventStreamChunkDecoder decoder = bedrock(new StreamLimits(1024, 1024));
        assertEquals("upstream_protocol_error", assertThrows(GatewayError.class,
                () -> decoder.decode(Arrays.copyOf(big, 4), c -> {
                })).code());
    }
}
