package dev.tokenledger.wire.openai;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.testing.Golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Compares what a mapper wrote with a golden file of the expected output. With {@code -Dgolden.write=true} the file is
 * (re)written from the actual output instead, to be reviewed by hand before it is committed.
 */
final class GoldenOutput {

    private GoldenOutput() {
    }

    /** JSON compared as trees: key order and spacing do not matter. */
    static void assertJson(String name, byte[] actual) {
        if (write(name, Golden.write(Golden.tree(actual)))) {
            return;
        }
        assertEquals(Golden.tree(Golden.bytes(name)), Golden.tree(actual), name);
    }

    /**
     * The golden OpenAI chat answer {@code chat} (below {@code openai/}), read as canonical and written by
     * {@code toWire}, compared as JSON with the golden file {@code expected}.
     */
    static void assertChatAnswerAs(String chat, String expected, Function<ChatResponse, byte[]> toWire) {
        assertJson(expected, toWire.apply(OpenAiChatResponses.toCanonical(Golden.bytes("openai/" + chat))));
    }

    /** Streams compared byte for byte. */
    static void assertBytes(String name, byte[] actual) {
        if (write(name, actual)) {
            return;
        }
        assertEquals(new String(Golden.bytes(name), StandardCharsets.UTF_8), new String(actual, StandardCharsets.UTF_8),
                name);
    }

    private static boolean write(String name, byte[] actual) {
        if (!Boolean.getBoolean("golden.write")) {
            return false;
        }
        try {
            byte[] pretty = name.endsWith(".json")
                    ? Golden.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(Golden.tree(actual))
                    : actual;
            Files.write(Path.of("src/test/resources/golden", name), pretty);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
