package dev.tokenledger.wire;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import dev.tokenledger.canonical.WireFormat;

/** The upstream sides of the chat formats, by the format a provider speaks; each registers itself as a CDI bean. */
@ApplicationScoped
public class UpstreamCodecs {

    private final Map<WireFormat, UpstreamCodec> codecs;

    @Inject
    public UpstreamCodecs(@Any Instance<UpstreamCodec> beans) {
        this.codecs = ByFormat.of(beans, UpstreamCodec::format);
    }

    /** The upstream side of a provider's format; every provider's format has one. */
    public UpstreamCodec get(WireFormat format) {
        UpstreamCodec codec = codecs.get(format);
        if (codec == null) {
            throw new IllegalStateException("No upstream codec for wire format " + format);
        }
        return codec;
    }
}
