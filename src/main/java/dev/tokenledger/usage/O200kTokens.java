package dev.tokenledger.usage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.knuddels.jtokkit.Encodings;

/**
 * Counts {@code o200k_base} tokens the way jtokkit's {@code countTokensOrdinary} does, over a compact table: the
 * 199,998 token byte strings in one {@code byte[]} in rank order, where each starts ({@code int[]}), and an
 * open-addressing index from byte string to rank ({@code int[]}): 4.4 MB of Java heap in three primitive arrays
 * instead of the 28.5 MB of jtokkit's per-length {@code HashMap}s of boxed keys and values and its decoder map.
 * Counting needs no decoder. The table comes from jtokkit's own {@code o200k_base.tiktoken}; the split pattern is jtokkit's o200k
 * pattern ({@code O200kTokensTest} compares both, and the counts, with jtokkit's).
 * <p>
 * Each piece the pattern matches is one token when it is one; otherwise its bytes are merged pairwise, lowest rank
 * first and the leftmost of equal ranks first (tiktoken's byte-pair merge), with a heap so that a long piece (a run of
 * whitespace, a long word) costs n log n, not n squared.
 */
final class O200kTokens {

    static final String RESOURCE = "/com/knuddels/jtokkit/o200k_base.tiktoken";

    /** jtokkit's o200k_base split pattern, compiled with its flags. */
    static final Pattern PATTERN = Pattern.compile(String.join("|",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "\\p{N}{1,3}", " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*", "\\s*[\\r\\n]+", "\\s+(?!\\S)", "\\s+"),
            Pattern.UNICODE_CHARACTER_CLASS);

    private final byte[] bytes;
    private final int[] starts; // rank r is bytes[starts[r] .. starts[r + 1])
    private final int[] slots; // rank + 1 at the slot its bytes hash to (linear probing); 0: empty
    private final int shift;
    private final int longest;

    private O200kTokens(byte[][] tokens) {
        starts = new int[tokens.length + 1];
        int total = 0;
        int max = 0;
        for (int r = 0; r < tokens.length; r++) {
            starts[r] = total;
            total += tokens[r].length;
            max = Math.max(max, tokens[r].length);
        }
        starts[tokens.length] = total;
        longest = max;
        bytes = new byte[total];
        int bits = 32 - Integer.numberOfLeadingZeros(tokens.length * 2 - 1); // load factor <= 0.5
        slots = new int[1 << bits];
        shift = 32 - bits;
        for (int r = 0; r < tokens.length; r++) {
            System.arraycopy(tokens[r], 0, bytes, starts[r], tokens[r].length);
            int s = slot(tokens[r], 0, tokens[r].length);
            while (slots[s] != 0) {
                s = (s + 1) & (slots.length - 1);
            }
            slots[s] = r + 1;
        }
    }

    /** Reads jtokkit's {@code o200k_base.tiktoken} (one base64 token and its rank a line, ranks 0..n-1). */
    static O200kTokens read() {
        try (InputStream in = Encodings.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            byte[][] tokens = new byte[256][];
            int count = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                int space = line.indexOf(' ');
                int rank = Integer.parseInt(line, space + 1, line.length(), 10);
                if (rank != count) {
                    throw new IllegalStateException(RESOURCE + ": rank " + rank + " where " + count + " was expected");
                }
                if (count == tokens.length) {
                    tokens = Arrays.copyOf(tokens, count * 2);
                }
                tokens[count++] = Base64.getDecoder().decode(line.substring(0, space));
            }
            return new O200kTokens(Arrays.copyOf(tokens, count));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int size() {
        return starts.length - 1;
    }

    /** The bytes of a rank. */
    byte[] token(int rank) {
        return Arrays.copyOfRange(bytes, starts[rank], starts[rank + 1]);
    }

    /** The rank of {@code piece[from, to)}, or -1 when it is not a token. */
    int rank(byte[] piece, int from, int to) {
        int length = to - from;
        if (length > longest) {
            return -1;
        }
        for (int s = slot(piece, from, to);; s = (s + 1) & (slots.length - 1)) {
            int entry = slots[s];
            if (entry == 0) {
                return -1;
            }
            int start = starts[entry - 1];
            if (starts[entry] - start == length && Arrays.equals(bytes, start, start + length, piece, from, to)) {
                return entry - 1;
            }
        }
    }

    private int slot(byte[] piece, int from, int to) {
        int h = 0x811c9dc5; // FNV-1a, then a multiplicative spread over the top bits
        for (int i = from; i < to; i++) {
            h = (h ^ (piece[i] & 0xff)) * 0x01000193;
        }
        return (h * 0x9e3779b9) >>> shift;
    }

    /** The number of tokens of {@code text}, as jtokkit's {@code countTokensOrdinary} counts them. */
    int count(String text) {
        Matcher pieces = PATTERN.matcher(text);
        Merge merge = null;
        int tokens = 0;
        while (pieces.find()) {
            byte[] piece = pieces.group().getBytes(StandardCharsets.UTF_8);
            if (rank(piece, 0, piece.length) >= 0) {
                tokens++;
            } else {
                merge = merge == null || merge.next.length <= piece.length ? new Merge(piece.length) : merge;
                tokens += merge.count(piece);
            }
        }
        return tokens;
    }

    /** The byte-pair merge of one piece; its arrays are reused for the next piece of the same text when they fit. */
    private final class Merge {
        final int[] next; // part start -> the next part's start (piece length: none)
        final int[] prev; // part start -> the previous part's start (-1: none)
        final int[] pairRank; // part start -> rank of the part joined with the next one, -1: none or not a part
        final long[] heap; // rank << 32 | part start, smallest first; entries whose rank is no longer current are skipped
        int size;

        Merge(int capacity) {
            next = new int[capacity + 1];
            prev = new int[capacity + 1];
            pairRank = new int[capacity + 1];
            heap = new long[3 * capacity + 1];
        }

        int count(byte[] piece) {
            int n = piece.length;
            int parts = n;
            size = 0;
            for (int i = 0; i < n; i++) {
                next[i] = i + 1;
                prev[i] = i - 1;
                pairRank[i] = i + 2 <= n ? rankOf(piece, i, i + 2) : -1;
            }
            while (size > 0) {
                long top = pop();
                int rank = (int) (top >>> 32);
                int at = (int) top;
                if (pairRank[at] != rank) {
                    continue;
                }
                int joined = next[at];
                int after = next[joined];
                next[at] = after;
                if (after < n) {
                    prev[after] = at;
                }
                pairRank[joined] = -1;
                parts--;
                pairRank[at] = after < n ? rankOf(piece, at, next[after]) : -1;
                if (prev[at] >= 0) {
                    pairRank[prev[at]] = rankOf(piece, prev[at], after);
                }
            }
            return parts;
        }

        /** The rank of {@code piece[from, to)}, queued for merging when it is a token. */
        private int rankOf(byte[] piece, int from, int to) {
            int rank = rank(piece, from, to);
            if (rank >= 0) {
                push((long) rank << 32 | from);
            }
            return rank;
        }

        private void push(long entry) {
            int i = size++;
            while (i > 0 && heap[(i - 1) >>> 1] > entry) {
                heap[i] = heap[(i - 1) >>> 1];
                i = (i - 1) >>> 1;
            }
            heap[i] = entry;
        }

        private long pop() {
            long top = heap[0];
            long last = heap[--size];
            int i = 0;
            for (int child = 1; child < size; child = 2 * i + 1) {
                if (child + 1 < size && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (heap[child] >= last) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = last;
            return top;
        }
    }
}
