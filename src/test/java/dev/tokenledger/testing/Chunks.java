package dev.tokenledger.testing;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** A byte stream cut into the reads a network may deliver it in, and reads joined back into one stream. */
public final class Chunks {

    private Chunks() {
    }

    /** One chunk per byte. */
    public static List<byte[]> byteByByte(byte[] input) {
        List<byte[]> chunks = new ArrayList<>(input.length);
        for (byte b : input) {
            chunks.add(new byte[]{b});
        }
        return chunks;
    }

    /** Chunks of {@code size} bytes, the last one shorter. */
    public static List<byte[]> fixedSplits(byte[] input, int size) {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < input.length; i += size) {
            chunks.add(Arrays.copyOfRange(input, i, Math.min(input.length, i + size)));
        }
        return chunks;
    }

    /** Chunks of 0 to 63 bytes, empty ones included, the same for the same seed. */
    public static List<byte[]> randomSplits(byte[] input, long seed) {
        Random random = new Random(seed);
        List<byte[]> chunks = new ArrayList<>();
        int i = 0;
        while (i < input.length) {
            int n = Math.min(input.length - i, random.nextInt(64)); // empty chunks included
            chunks.add(Arrays.copyOfRange(input, i, i + n));
            i += n;
        }
        return chunks;
    }

    public static byte[] concat(byte[]... parts) {
        return concat(List.of(parts));
    }

    public static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
