package dev.tokenledger.wire;

import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import dev.tokenledger.canonical.WireFormat;

/** The chat codecs by wire format; each format registers itself as a CDI bean. */
@ApplicationScoped
public class WireCodecs {

    private final Map<WireFormat, ChatCodec> codecs = new EnumMap<>(WireFormat.class);

    @Inject
    public WireCodecs(@Any Instance<ChatCodec> beans) {
        beans.forEach(codec -> codecs.put(codec.format(), codec));
    }

    /** The codec of a format, when one is registered. */
    public java.util.Optional<ChatCodec> find(WireFormat format) {
        return java.util.Optional.ofNullable(codecs.get(format));
    }

    public ChatCodec get(WireFormat format) {
        ChatCodec codec = codecs.get(format);
        if (codec == null) {
            throw new IllegalStateException("No codec for wire format " + format);
        }
        return codec;
    }
}
