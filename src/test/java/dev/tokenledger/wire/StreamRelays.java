package dev.tokenledger.wire;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Running a {@link StreamRelay} over a golden stream the way the network may deliver it. */
public final class StreamRelays {

    private StreamRelays() {
    }

    /**
     * What the relay sends the client for an upstream stream that arrives in two reads, cut at byte {@code split}, and
     * then ends.
     */
    public static byte[] cutAt(StreamRelay relay, byte[] upstream, int split) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(relay.onUpstreamBytes(Arrays.copyOfRange(upstream, 0, split)));
        out.writeBytes(relay.onUpstreamBytes(Arrays.copyOfRange(upstream, split, upstream.length)));
        out.writeBytes(relay.onUpstreamEnd());
        return out.toByteArray();
    }
}
