package dev.tokenledger.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** NDJSON framing of streaming-rules.md §4 with the UTF-8 rules of §3, across arbitrary chunk boundaries. */
class NdjsonDecoderTest {

    private static final int LIMIT = 1 << 20;

    private static List<String> decode(int limit, byte[]... chunks) {
        NdjsonDecoder decoder = new NdjsonDecoder(limit);
        List<String> lines = new ArrayList<>();
        for (byte[] chunk : chunks) {
            decoder.feed(chunk, lines::add);
        }
        String last = decoder.finish();
        if (last != null) {
            lines.add("<unterminated>" + last);
        }
        return lines;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void linesEndAtLfAndBlankLinesAreSkipped() {
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), decode(LIMIT, utf8("{\"a\":1}\n\n  \n{\"b\":2}\n")));
    }

    @Test
    void oneTrailingCrIsStrippedAlsoWhenCrAndLfArriveInDifferentChunks() {
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), decode(LIMIT, utf8("{\"a\":1}\r\n{\"b\":2}\r"), utf8("\n")));
        assertEquals(List.of("{\"a\":1}"), decode(LIMIT, utf8("{\"a\":1}\r\n\r\n")), "a CRLF-only line is blank");
    }

    @Test
    void aCrInsideALineIsKept() {
        assertEquals(List.of("a\rb"), decode(LIMIT, utf8("a\rb\n")));
    }

    @Test
    void anUnterminatedLastLineIsReturnedByFinishNotDispatched() {
        assertEquals(List.of("{\"a\":1}", "<unterminated>{\"done\":true}"),
                decode(LIMIT, utf8("{\"a\":1}\n{\"done\":true}\r")));
        NdjsonDecoder decoder = new NdjsonDecoder(LIMIT);
        decoder.feed(utf8("{}\n"), line -> {
        });
        assertNull(decoder.finish());
    }

    @ParameterizedTest
    @ValueSource(strings = {"é", "中", "🙂"})
    void multiByteCharacterSplitAtEveryOffset(String ch) {
        byte[] input = utf8("{\"t\":\"x" + ch + "y\"}\r\n{\"t\":\"" + ch + "\"}\n");
        for (int split = 0; split <= input.length; split++) {
            assertEquals(List.of("{\"t\":\"x" + ch + "y\"}", "{\"t\":\"" + ch + "\"}"),
                    decode(LIMIT, Arrays.copyOfRange(input, 0, split), Arrays.copyOfRange(input, split, input.length)),
                    "split at " + split);
        }
    }

    @Test
    void everyByteInItsOwnChunk() {
        byte[] input = utf8("{\"t\":\"🙂 中\"}\r\n\n{\"done\":true}\n");
        byte[][] chunks = new byte[input.length][];
        for (int i = 0; i < input.length; i++) {
            chunks[i] = new byte[]{input[i]};
        }
        assertEquals(List.of("{\"t\":\"🙂 中\"}", "{\"done\":true}"), decode(LIMIT, chunks));
    }

    @ParameterizedTest
    @ValueSource(strings = {"c3", "ff", "c328", "e28228", "f09f99", "eda080", "c0af"})
    void invalidUtf8IsAProtocolError(String hex) {
        byte[] line = HexFormat.of().parseHex(hex);
        byte[] input = new byte[line.length + 1];
        System.arraycopy(line, 0, input, 0, line.length);
        input[line.length] = '\n';
        NdjsonException e = assertThrows(NdjsonException.class, () -> decode(LIMIT, input));
        assertEquals("upstream stream is not valid UTF-8", e.getMessage());
    }

    @Test
    void invalidUtf8InAnUnterminatedLastLineIsAlsoRejected() {
        NdjsonDecoder decoder = new NdjsonDecoder(LIMIT);
        decoder.feed(new byte[]{'{', (byte) 0xC3}, line -> {
        });
        assertThrows(NdjsonException.class, decoder::finish);
    }

    @Test
    void lineOfExactlyTheLimitIsAcceptedWithItsCrOneByteMoreIsRejected() {
        String exact = "x".repeat(16);
        assertEquals(List.of(exact), decode(16, utf8(exact + "\r\n")));
        NdjsonException e = assertThrows(NdjsonException.class, () -> decode(16, utf8(exact + "y\n")));
        assertEquals("upstream stream line exceeds 16 bytes", e.getMessage());
        assertThrows(NdjsonException.class, () -> decode(16, utf8(exact + "\r\r\n")));
    }

    @Test
    void oversizedLineIsRejectedEvenWhenItArrivesInSmallChunksAndTheLimitIsPerLine() {
        NdjsonDecoder decoder = new NdjsonDecoder(8);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            decoder.feed(utf8("1234567\n"), lines::add);
        }
        assertEquals(100, lines.size(), "many lines under the limit are fine");
        decoder.feed(utf8("12345"), lines::add);
        assertThrows(NdjsonException.class, () -> decoder.feed(utf8("6789"), lines::add));
    }
}
