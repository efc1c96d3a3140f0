package dev.tokenledger.stream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.tokenledger.testing.Chunks.byteByByte;
import static dev.tokenledger.testing.Chunks.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WHATWG SSE rules of streaming-rules.md §2 and the UTF-8 rules of §3, at the byte level and across arbitrary
 * chunk boundaries.
 */
class SseDecoderTest {

    private static final int LIMIT = 1 << 20;

    /** A dispatched event reduced to what the fixtures compare. */
    record Ev(String type, String data) {
    }

    // ---- fixture table of streaming-rules.md §2 ('|' marks a chunk boundary) ----

    static Stream<Arguments> specFixtures() {
        return Stream.of(
                Arguments.of("data: a\n\n", List.of(msg("a"))),
                Arguments.of("data: a\r\n\r\n", List.of(msg("a"))),
                Arguments.of("data: a\r\r", List.of(msg("a"))),
                Arguments.of("data: a\r|\n\r\n", List.of(msg("a"))),
                Arguments.of("data: a\r|\r", List.of(msg("a"))),
                Arguments.of("da|ta: x\n\n", List.of(msg("x"))),
                Arguments.of("data:x\n\n", List.of(msg("x"))),
                Arguments.of("data:  x\n\n", List.of(msg(" x"))),
                Arguments.of("data: a\ndata: b\n\n", List.of(msg("a\nb"))),
                Arguments.of(": ping\n\ndata: a\n\n", List.of(msg("a"))),
                Arguments.of("event: ping\ndata: {}\n\n", List.of(new Ev("ping", "{}"))),
                Arguments.of("data\n\n", List.of(msg(""))),
                Arguments.of("event: x\n\n", List.of()),
                Arguments.of("data: a\n", List.of()),
                Arguments.of("\uFEFFdata: a\n\n", List.of(msg("a"))),
                Arguments.of("data: [DONE]\n\n", List.of(msg("[DONE]"))));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("specFixtures")
    void specFixture(String input, List<Ev> expected) {
        List<byte[]> chunks = new ArrayList<>();
        for (String part : input.split("\\|", -1)) {
            chunks.add(part.getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(expected, evs(decode(new SseDecoder(LIMIT, LIMIT), chunks)));
    }

    @Test
    void eAcuteSplitBetweenItsTwoBytes() {
        byte[] first = concat(ascii("data: "), bytes(0xC3));
        byte[] second = concat(bytes(0xA9), ascii("\n\n"));
        assertEquals(List.of(msg("é")), evs(decode(new SseDecoder(LIMIT, LIMIT), List.of(first, second))));
    }

    // ---- line endings ----

    @Test
    void crlfSplitBetweenCrAndLfInsideAnEventIsOneLineBreak() {
        List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT),
                List.of(ascii("data: a\r"), ascii("\ndata: b\r\n\r\n")));
        assertEquals(List.of(msg("a\nb")), evs(events));
    }

    @Test
    void crlfSplitBetweenCrAndLfOfTheBlankLineDoesNotEndAnExtraLine() {
        // the late LF must not be taken as a second (empty) line, nor start the next event
        List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT),
                List.of(ascii("data: a\r\n\r"), ascii("\ndata: b\r\n\r\n")));
        assertEquals(List.of(msg("a"), msg("b")), evs(events));
    }

    @Test
    void mixedLineEndingsInOneStream() {
        List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT),
                List.of(ascii("data: 1\n\ndata: 2\r\n\r\ndata: 3\r\rdata: 4\n\r\n")));
        assertEquals(List.of(msg("1"), msg("2"), msg("3"), msg("4")), evs(events));
    }

    @Test
    void bomIsStrippedEvenWhenSplitAcrossChunks() {
        List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT),
                List.of(bytes(0xEF), bytes(0xBB), concat(bytes(0xBF), ascii("data: a\n\n"))));
        assertEquals(List.of(msg("a")), evs(events));
    }

    @Test
    void bomIsStrippedOnlyAtTheVeryStart() {
        // a BOM later in the stream is part of the field name, so the line is an unknown field and ignored
        byte[] input = concat(ascii("data: a\n\n"), bytes(0xEF, 0xBB, 0xBF), ascii("data: b\n\ndata: c\n\n"));
        assertEquals(List.of(msg("a"), msg("c")), evs(decode(new SseDecoder(LIMIT, LIMIT), List.of(input))));
    }

    // ---- fields ----

    @Test
    void commentsAreIgnoredWhereverTheyAppear() {
        String input = ": keep-alive\n\n:OPENROUTER PROCESSING\ndata: a\n: inside an event\ndata: b\n\n:\n\n";
        assertEquals(List.of(msg("a\nb")), evs(decode(new SseDecoder(LIMIT, LIMIT), List.of(ascii(input)))));
    }

    @Test
    void commentOnlyStreamDispatchesNothing() {
        assertEquals(List.of(), decode(new SseDecoder(LIMIT, LIMIT), List.of(ascii(": ping\n\n: ping\r\n\r\n"))));
    }

    @Test
    void eventTypeAppliesToItsEventOnlyAndIsResetByAnEmptyDispatch() {
        String input = "event: first\ndata: 1\n\ndata: 2\n\nevent: orphan\n\ndata: 3\nevent: late\n\n";
        assertEquals(List.of(new Ev("first", "1"), msg("2"), new Ev("late", "3")),
                evs(decode(new SseDecoder(LIMIT, LIMIT), List.of(ascii(input)))));
    }

    @Test
    void fieldNamesAreCaseSensitiveAndUnknownFieldsAndRetryAreIgnored() {
        String input = "Data: no\nDATA: no\nretry: 3000\nretry: soon\nfoo: bar\ndata: yes\n\n";
        assertEquals(List.of(msg("yes")), evs(decode(new SseDecoder(LIMIT, LIMIT), List.of(ascii(input)))));
    }

    @Test
    void onlyTheFirstColonSplitsFieldAndValue() {
        String input = "data: {\"a\":\"b: c\"}\n\n";
        assertEquals(List.of(msg("{\"a\":\"b: c\"}")), evs(decode(new SseDecoder(LIMIT, LIMIT), List.of(ascii(input)))));
    }

    @Test
    void emptyDataLinesJoinWithNewlines() {
        assertEquals(List.of(msg("\n")), evs(decode(new SseDecoder(LIMIT, LIMIT), List.of(ascii("data\ndata:\n\n")))));
    }

    @Test
    void idIsNullUntilSetAndIsNotResetByDispatch() {
        List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT),
                List.of(ascii("data: a\n\nid: 7\ndata: b\n\ndata: c\n\nid: 8\ndata: d\n\n")));
        assertEquals(Arrays.asList(null, "7", "7", "8"), events.stream().map(SseEvent::id).toList());
    }

    @Test
    void idWithNulIsIgnoredAndEmptyIdClearsIt() {
        List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT),
                List.of(ascii("id: 1\ndata: a\n\nid: 2\u0000x\ndata: b\n\nid\ndata: c\n\n")));
        assertEquals(List.of("1", "1", ""), events.stream().map(SseEvent::id).toList());
    }

    @Test
    void idSetInAnEventWithoutDataStillAppliesToTheNextEvent() {
        List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT), List.of(ascii("id: 42\n\ndata: a\n\n")));
        assertEquals("42", events.get(0).id());
    }

    // ---- UTF-8 ----

    @ParameterizedTest
    @ValueSource(strings = {"é", "中", "🙂"})
    void multiByteCharacterSplitAtEveryOffset(String ch) {
        byte[] input = ("data: x" + ch + "y\n\n").getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= input.length; cut++) {
            List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT),
                    List.of(Arrays.copyOfRange(input, 0, cut), Arrays.copyOfRange(input, cut, input.length)));
            assertEquals(List.of(msg("x" + ch + "y")), evs(events), "cut at " + cut);
        }
        assertEquals(List.of(msg("x" + ch + "y")), evs(decode(new SseDecoder(LIMIT, LIMIT), byteByByte(input))));
    }

    @Test
    void emojiSplitOnePlusThree() {
        assertArrayEquals(bytes(0xF0, 0x9F, 0x99, 0x82), "🙂".getBytes(StandardCharsets.UTF_8));
        byte[] first = concat(ascii("data: "), bytes(0xF0));
        byte[] second = concat(bytes(0x9F, 0x99, 0x82), ascii("\n\n"));
        assertEquals(List.of(msg("🙂")), evs(decode(new SseDecoder(LIMIT, LIMIT), List.of(first, second))));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"C328", "80", "C0AF", "EDA080", "E4B8", "F09F99", "FF", "F4908080"})
    void invalidUtf8IsAProtocolError(String hex) {
        byte[] input = concat(ascii("data: "), HexFormat.of().parseHex(hex), ascii("\n\n"));
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);
        assertThrows(SseException.class, () -> decoder.feed(input, e -> {
        }));
    }

    @Test
    void invalidUtf8InACommentIsAlsoRejected() {
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);
        assertThrows(SseException.class, () -> decoder.feed(concat(ascii(": "), bytes(0xC3), ascii("\n")), e -> {
        }));
    }

    // ---- limits ----

    @Test
    void lineOfExactlyTheLimitIsAcceptedOneByteMoreIsRejected() {
        String atLimit = "data: " + "x".repeat(10); // 16 bytes
        assertEquals(List.of(msg("x".repeat(10))),
                evs(decode(new SseDecoder(16, LIMIT), List.of(ascii(atLimit + "\n\n")))));

        SseDecoder decoder = new SseDecoder(16, LIMIT);
        SseException e = assertThrows(SseException.class, () -> decoder.feed(ascii(atLimit + "x\n\n"), ev -> {
        }));
        assertTrue(e.getMessage().contains("16"), e.getMessage());
    }

    @Test
    void oversizedLineIsRejectedEvenWhenItArrivesInSmallChunks() {
        SseDecoder decoder = new SseDecoder(64, LIMIT);
        byte[] chunk = ascii("x".repeat(10));
        assertThrows(SseException.class, () -> {
            decoder.feed(ascii("data: "), e -> {
            });
            for (int i = 0; i < 10; i++) {
                decoder.feed(chunk, e -> {
                });
            }
        });
    }

    @Test
    void eventOfExactlyTheLimitIsAcceptedOneByteMoreIsRejected() {
        // raw event bytes = "data: " (6) + payload + "\n\n" (2)
        String atLimit = "data: " + "y".repeat(56) + "\n\n"; // 64 bytes
        assertEquals(1, decode(new SseDecoder(LIMIT, 64), List.of(ascii(atLimit))).size());

        // 65 bytes even before the blank line that would end it
        SseDecoder decoder = new SseDecoder(LIMIT, 64);
        assertThrows(SseException.class, () -> decoder.feed(ascii("data: " + "y".repeat(58) + "\n\n"), e -> {
        }));
    }

    @Test
    void eventMadeOfManyShortLinesIsRejectedWhenItExceedsTheLimit() {
        SseDecoder decoder = new SseDecoder(32, 256);
        String line = "data: 0123456789\n"; // every line is short, the event is not
        assertThrows(SseException.class, () -> {
            for (int i = 0; i < 100; i++) {
                decoder.feed(ascii(line), e -> {
                });
            }
        });
    }

    @Test
    void eventLimitAppliesPerEventNotPerStream() {
        String event = "data: " + "z".repeat(40) + "\n\n";
        List<SseEvent> events = decode(new SseDecoder(LIMIT, 64), List.of(ascii(event.repeat(50))));
        assertEquals(50, events.size());
    }

    // ---- raw bytes for byte-exact forwarding ----

    private static final String LF_STREAM = "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"Caf\u00e9 \u4e2d \ud83d\ude42\"}}]}\n\n"
            + "event: message\nid: 17\ndata: line one\ndata: line two\n\n"
            + "data:no-space\n: comment inside an event\ndata: {}\n\n"
            + "data: [DONE]\n\n";

    @Test
    void rawBytesOfAnLfStreamConcatenateToTheInputAtEverySplit() {
        assertRawReassemblesAtEverySplit(LF_STREAM.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rawBytesOfACrlfStreamConcatenateToTheInputAtEverySplit() {
        assertRawReassemblesAtEverySplit(LF_STREAM.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rawBytesOfAnEventAreItsOwnBytesOnly() {
        List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT), List.of(ascii("data: a\n\nevent: x\ndata: b\n\n")));
        assertEquals("data: a\n\n", new String(events.get(0).raw(), StandardCharsets.UTF_8));
        assertEquals("event: x\ndata: b\n\n", new String(events.get(1).raw(), StandardCharsets.UTF_8));
    }

    @Test
    void rawBytesDoNotIncludeCommentBlocksOrEventsWithoutData() {
        List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT),
                List.of(ascii(": keep-alive\n\nevent: orphan\n\ndata: a\n\n")));
        assertEquals("data: a\n\n", new String(events.get(0).raw(), StandardCharsets.UTF_8));
    }

    @Test
    void rawBytesOfAnEventEndedByALoneCrGetAnLf() {
        // documented edge: the blank line that ends with CR gets its LF now; a late LF is swallowed
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);
        List<SseEvent> events = decode(decoder, List.of(ascii("data: a\r\r"), ascii("\ndata: b\r\r")));
        assertEquals(List.of("data: a\r\r\n", "data: b\r\r\n"),
                events.stream().map(e -> new String(e.raw(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void rawBytesKeepTheBomOutButTheRestExact() {
        List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT),
                List.of(concat(bytes(0xEF, 0xBB, 0xBF), ascii("data: a\r\n\r\n"))));
        assertEquals("data: a\r\n\r\n", new String(events.get(0).raw(), StandardCharsets.UTF_8));
    }

    // ---- end of stream ----

    @Test
    void finishReturnsTheDataOfAnUnterminatedEventAndDispatchesNothing() {
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);
        List<SseEvent> events = new ArrayList<>();
        decoder.feed(ascii("data: {\"usage\":"), events::add);
        decoder.feed(ascii("{\"prompt_tokens\":3}}"), events::add);
        assertEquals("{\"usage\":{\"prompt_tokens\":3}}", decoder.finish());
        assertEquals(List.of(), events);
    }

    @Test
    void finishReturnsJoinedDataWhenTheLastLineWasTerminated() {
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);
        List<SseEvent> events = new ArrayList<>();
        decoder.feed(ascii("data: done\n\ndata: a\ndata: b\n"), events::add);
        assertEquals(List.of(msg("done")), evs(events));
        // the same data a dispatched event would carry: lines joined with LF, no trailing LF
        assertEquals("a\nb", decoder.finish());
    }

    @Test
    void finishReturnsEmptyDataForABareDataField() {
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);
        decoder.feed(ascii("event: x\ndata"), e -> {
        });
        assertEquals("", decoder.finish());
    }

    @Test
    void finishReturnsNullWhenNothingIsPending() {
        SseDecoder empty = new SseDecoder(LIMIT, LIMIT);
        assertNull(empty.finish());

        SseDecoder afterEvent = new SseDecoder(LIMIT, LIMIT);
        afterEvent.feed(ascii("data: a\n\n"), e -> {
        });
        assertNull(afterEvent.finish());

        SseDecoder withoutData = new SseDecoder(LIMIT, LIMIT);
        withoutData.feed(ascii("event: x\nid: 3\n: c"), e -> {
        });
        assertNull(withoutData.finish());
    }

    @Test
    void finishIgnoresAnUnterminatedFieldThatOnlyStartsWithData() {
        // "dataset" is an unknown field, not "data"
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);
        decoder.feed(ascii("dataset: {\"usage\":{}}"), e -> {
        });
        assertNull(decoder.finish());
    }

    @Test
    void feedWithOffsetAndLengthReadsOnlyThatSlice() {
        byte[] buffer = ascii("XXdata: a\n\nYY");
        List<SseEvent> events = new ArrayList<>();
        assertDoesNotThrow(() -> new SseDecoder(LIMIT, LIMIT).feed(buffer, 2, 9, events::add));
        assertEquals(List.of(msg("a")), evs(events));
    }

    // ---- helpers ----

    private static void assertRawReassemblesAtEverySplit(byte[] input) {
        List<Ev> expected = evs(decode(new SseDecoder(LIMIT, LIMIT), List.of(input)));
        assertEquals(4, expected.size());
        for (int cut = 0; cut <= input.length; cut++) {
            List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT),
                    List.of(Arrays.copyOfRange(input, 0, cut), Arrays.copyOfRange(input, cut, input.length)));
            assertEquals(expected, evs(events), "cut at " + cut);
            assertArrayEquals(input, rawOf(events), "cut at " + cut);
        }
        List<SseEvent> events = decode(new SseDecoder(LIMIT, LIMIT), byteByByte(input));
        assertEquals(expected, evs(events));
        assertArrayEquals(input, rawOf(events), "byte by byte");
    }

    private static List<SseEvent> decode(SseDecoder decoder, List<byte[]> chunks) {
        List<SseEvent> events = new ArrayList<>();
        for (byte[] chunk : chunks) {
            decoder.feed(chunk, events::add);
        }
        return events;
    }

    private static byte[] rawOf(List<SseEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        events.forEach(e -> out.writeBytes(e.raw()));
        return out.toByteArray();
    }

    private static List<Ev> evs(List<SseEvent> events) {
        return events.stream().map(e -> new Ev(e.type(), e.data())).toList();
    }

    private static Ev msg(String data) {
        return new Ev("message", data);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
