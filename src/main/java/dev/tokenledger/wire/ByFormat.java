package dev.tokenledger.wire;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

import dev.tokenledger.canonical.WireFormat;

/** Codecs by the format each names; two of one side for one format are a build mistake. */
final class ByFormat {

    private ByFormat() {
    }

    static <C> Map<WireFormat, C> of(Iterable<C> codecs, Function<C, WireFormat> format) {
        Map<WireFormat, C> byFormat = new EnumMap<>(WireFormat.class);
        for (C codec : codecs) {
            C earlier = byFormat.put(format.apply(codec), codec);
            if (earlier != null) {
                throw new IllegalStateException("Two codecs for wire format " + format.apply(codec) + ": "
                        + earlier.getClass().getName() + " and " + codec.getClass().getName());
            }
        }
        return byFormat;
    }
}
