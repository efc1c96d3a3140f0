package dev.tokenledger.usage;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compact o200k table counts exactly as jtokkit does: every rank, the split pattern, and a varied corpus. */
class O200kTokensTest {

    private static final String[] WORDS = {"the", "The", "THE", "token", "Ledger", "gateway", "budget", "isn't",
            "we'll", "THEY'RE", "you've", "I'm", "she'd", "naïve", "café", "Übermäßig", "straße", "über", "résumé",
            "привет", "мир", "γειά", "σου", "שלום", "مرحبا", "नमस्ते", "こんにちは", "世界", "안녕하세요", "😀", "👍🏽",
            "🇩🇪", "👨‍👩‍👧", "e\u0301", "x²", "½", "٣", "１２３", "$100.00", "3.14159", "1,000,000", "2026-12-07",
            "user@example.com", "https://example.com/a/b?c=d", "snake_case", "camelCaseWord", "HTTPServer", "--", "...",
            "!!!", "¿Qué?", "«»", "—", "\t", "\r\n", "\n\n\n", "   "};
    private static final String[] CODE = {"public static void main(String[] args) {\n    System.out.println(\"hi\");\n}\n",
            "def f(x):\n\treturn [i ** 2 for i in range(x)]  # squares\n", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"Hello\"}],\"max_tokens\":100}",
            "SELECT id, SUM(cost_micros) FROM ledger WHERE ts >= now() - interval '1 day' GROUP BY 1;\n",
            "<div class=\"row\">\n  <span>{{ name }}</span>\n</div>\r\n",
            "if (a != b && c <= d || e >>> 2) { x += 0x7fff_ffffL; }",
            "    \n        \n\t\t\n", "// TODO: fix\n/* block */\n#include <stdio.h>\n"};

    private static Encoding jtokkit;
    private static O200kTokens tokens;

    @BeforeAll
    static void read() {
        jtokkit = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        tokens = O200kTokens.read();
    }

    @Test
    void everyRankHoldsJtokkitsBytesAndIsFoundByThem() {
        assertEquals(199_998, tokens.size());
        for (int rank = 0; rank < tokens.size(); rank++) {
            IntArrayList one = new IntArrayList();
            one.add(rank);
            byte[] expected = jtokkit.decodeBytes(one);
            byte[] bytes = tokens.token(rank);
            if (!java.util.Arrays.equals(expected, bytes) || tokens.rank(expected, 0, expected.length) != rank) {
                assertArrayEquals(expected, bytes, "bytes of rank " + rank);
                assertEquals(rank, tokens.rank(expected, 0, expected.length), "rank of the bytes of rank " + rank);
            }
        }
        byte[] none = "not a single token, surely".getBytes(StandardCharsets.UTF_8);
        assertEquals(-1, tokens.rank(none, 0, none.length));
    }

    @Test
    void theSplitPatternIsJtokkits() throws ReflectiveOperationException {
        Field field = jtokkit.getClass().getDeclaredField("pattern");
        field.setAccessible(true);
        Pattern theirs = (Pattern) field.get(jtokkit);
        assertEquals(theirs.pattern(), O200kTokens.PATTERN.pattern());
        assertEquals(theirs.flags(), O200kTokens.PATTERN.flags());
    }

    @Test
    void countsAsJtokkitOverAVariedCorpus() {
        List<String> corpus = corpus(new Random(20261207));
        assertTrue(corpus.size() >= 10_000, "corpus of " + corpus.size());
        long total = 0;
        long merged = 0;
        for (String text : corpus) {
            int expected = jtokkit.countTokensOrdinary(text);
            assertEquals(expected, tokens.count(text), () -> "count of " + escape(text));
            total += expected;
            merged += O200kTokens.PATTERN.matcher(text).results().count() < expected ? 1 : 0;
        }
        assertTrue(merged > 1_000, "texts whose pieces needed merging: " + merged);
        assertTrue(total > 500_000, "tokens counted: " + total);
    }

    private static List<String> corpus(Random random) {
        List<String> corpus = new ArrayList<>();
        corpus.add("");
        corpus.add(" ");
        corpus.add("a".repeat(10_000)); // one long piece that is no token: the heap merge
        corpus.add(" ".repeat(20_000) + "x");
        corpus.add("\n".repeat(3_000) + " \t ".repeat(1_000));
        corpus.add("9".repeat(7_001));
        corpus.add("!@#$%^&*".repeat(800));
        for (int i = 0; i < 2_000; i++) {
            corpus.add(words(random, 1 + random.nextInt(60)));
            corpus.add(code(random));
            corpus.add(codePoints(random, 1 + random.nextInt(80), 0x4E00, 0x9FFF)
                    + codePoints(random, random.nextInt(10), 0x3040, 0x30FF) + words(random, 3)
                    + codePoints(random, random.nextInt(20), 0xAC00, 0xD7A3));
            corpus.add(codePoints(random, 1 + random.nextInt(30), 0x1F300, 0x1FAFF) + "\u200d"
                    + codePoints(random, random.nextInt(5), 0x1F3FB, 0x1F3FF) + " " + words(random, 2));
            corpus.add(whitespace(random) + words(random, 2) + whitespace(random));
            byte[] bytes = new byte[1 + random.nextInt(300)];
            random.nextBytes(bytes);
            corpus.add(new String(bytes, StandardCharsets.UTF_8));
            char[] chars = new char[1 + random.nextInt(100)]; // lone surrogates included
            for (int c = 0; c < chars.length; c++) {
                chars[c] = (char) random.nextInt(0x10000);
            }
            corpus.add(new String(chars));
            corpus.add(longWord(random));
        }
        return corpus;
    }

    private static String words(Random random, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(WORDS[random.nextInt(WORDS.length)]);
            text.append(switch (random.nextInt(8)) {
                case 0 -> "";
                case 1 -> ", ";
                case 2 -> ". ";
                case 3 -> "\n";
                default -> " ";
            });
        }
        return text.toString();
    }

    private static String code(Random random) {
        String snippet = CODE[random.nextInt(CODE.length)];
        return "  ".repeat(random.nextInt(6)) + snippet + snippet.substring(random.nextInt(snippet.length()));
    }

    private static String codePoints(Random random, int count, int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.appendCodePoint(from + random.nextInt(to - from + 1));
        }
        return text.toString();
    }

    private static String whitespace(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(10) == 0 ? random.nextInt(4_000) : random.nextInt(40);
        for (int i = 0; i < length; i++) {
            text.append(" \t\n\r\u00a0\u3000".charAt(random.nextInt(random.nextInt(4) == 0 ? 6 : 1)));
        }
        return text.toString();
    }

    private static String longWord(Random random) {
        int length = random.nextInt(5) == 0 ? 500 + random.nextInt(2_000) : 5 + random.nextInt(60);
        String alphabet = random.nextBoolean() ? "abcdefghijklmnopqrstuvwxyz" : "etaoinshrdlu";
        StringBuilder text = new StringBuilder(random.nextBoolean() ? " " : "");
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static String escape(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "... (" + text.length() + " chars)" : text;
        return shown.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }
}
