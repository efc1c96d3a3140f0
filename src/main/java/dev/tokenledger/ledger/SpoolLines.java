package dev.tokenledger.ledger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.READ;

/**
 * The line format of spool and write-ahead log files: one row a line, {@code <crc32 of the UTF-8 json, 8 lowercase hex>
 * <json>\n}. A line whose CRC does not match, or a torn last line (its append never returned), is skipped and counted.
 */
final class SpoolLines {

    private SpoolLines() {
    }

    static byte[] line(String json) {
        return lines(List.of(utf8(json)));
    }

    /** A row's JSON as UTF-8: it must be non-empty valid Unicode on one line (else IllegalArgumentException). */
    static byte[] utf8(String json) {
        if (json.isEmpty() || json.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a ledger row must be non-empty and on one line");
        }
        ByteBuffer utf8;
        try {
            utf8 = UTF_8.newEncoder().encode(CharBuffer.wrap(json));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a ledger row must be valid Unicode", e);
        }
        byte[] row = new byte[utf8.remaining()];
        utf8.get(row);
        return row;
    }

    /**
     * The lines of rows given as UTF-8 JSON, one after the other in one array. A row must be non-empty and hold no
     * '\n' byte (else IllegalArgumentException).
     */
    static byte[] lines(List<byte[]> utf8Rows) {
        int size = 0;
        for (byte[] row : utf8Rows) {
            if (row.length == 0 || indexOfNewline(row) >= 0) {
                throw new IllegalArgumentException("a ledger row must be non-empty and on one line");
            }
            size += 9 + row.length + 1;
        }
        byte[] lines = new byte[size];
        int at = 0;
        CRC32 crc = new CRC32();
        for (byte[] row : utf8Rows) {
            crc.reset();
            crc.update(row);
            long value = crc.getValue();
            for (int digit = 7; digit >= 0; digit--, value >>>= 4) {
                lines[at + digit] = (byte) Character.forDigit((int) (value & 0xF), 16);
            }
            lines[at + 8] = ' ';
            System.arraycopy(row, 0, lines, at + 9, row.length);
            at += 9 + row.length;
            lines[at++] = '\n';
        }
        return lines;
    }

    private static int indexOfNewline(byte[] row) {
        for (int i = 0; i < row.length; i++) {
            if (row[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String parse(byte[] line) {
        if (line.length < 10 || line[8] != ' ') {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(line, 9, line.length - 9);
        try {
            return HexFormat.fromHexDigits(new String(line, 0, 8, US_ASCII)) == (int) crc.getValue()
                    ? new String(line, 9, line.length - 9, UTF_8)
                    : null;
        } catch (IllegalArgumentException e) {
            return null; // not hex
        }
    }

    /** Adds the file's valid rows to rows; returns the number of lines skipped. */
    static int read(Path file, List<String> rows) throws IOException {
        int skipped = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0;) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        line.write(buffer, start, i - start);
                        String row = parse(line.toByteArray());
                        if (row == null) {
                            skipped++;
                        } else {
                            rows.add(row);
                        }
                        line.reset();
                        start = i + 1;
                    }
                }
                line.write(buffer, start, n - start);
            }
        }
        return line.size() > 0 ? skipped + 1 : skipped; // a torn last line: its append never returned
    }

    /** Counts '\n' past what was counted before; spool files only grow, one that shrank is counted anew. */
    static long[] count(Path file, long size, long[] before) throws IOException {
        if (size == before[0]) {
            return before;
        }
        long[] count = size > before[0] ? before.clone() : new long[2];
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        try (FileChannel in = FileChannel.open(file, READ)) {
            for (int n; (n = in.read(buffer.clear(), count[0])) > 0; count[0] += n) {
                for (int i = 0; i < n; i++) {
                    count[1] += buffer.get(i) == '\n' ? 1 : 0;
                }
            }
        }
        return count;
    }
}
