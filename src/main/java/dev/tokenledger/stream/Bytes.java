package dev.tokenledger.stream;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte array for the stream decoders of this package, with strict UTF-8 decoding of its content. */
final class Bytes {

    byte[] buf;
    int size;

    Bytes(int capacity) {
        buf = new byte[capacity];
    }

    /** A decoder that reports malformed input instead of replacing it: invalid UTF-8 is a protocol error. */
    static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    void add(byte b) {
        if (size == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[size++] = b;
    }

    void dropFirst(int n) {
        System.arraycopy(buf, n, buf, 0, size - n);
        size -= n;
    }

    byte[] toArray() {
        return Arrays.copyOf(buf, size);
    }

    /** The content as text, then empties the array. */
    String takeText(CharsetDecoder utf8) throws CharacterCodingException {
        String text = utf8.decode(ByteBuffer.wrap(buf, 0, size)).toString();
        size = 0;
        return text;
    }
}
