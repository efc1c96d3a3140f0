package dev.tokenledger.wire;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import dev.tokenledger.canonical.WireFormat;

/** The client sides of the chat formats, by the format an inbound API speaks; each registers itself as a CDI bean. */
@ApplicationScoped
public class InboundCodecs {

    private final Map<WireFormat, InboundCodec> codecs;

    @Inject
    public InboundCodecs(@Any Instance<InboundCodec> beans) {
        this.codecs = ByFormat.of(beans, InboundCodec::format);
    }

    /** The client side of a format, when clients may speak it. */
    public Optional<InboundCodec> find(WireFormat format) {
        return Optional.ofNullable(codecs.get(format));
    }
}
