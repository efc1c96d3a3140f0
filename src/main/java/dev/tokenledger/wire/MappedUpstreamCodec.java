package dev.tokenledger.wire;

import java.util.function.BiFunction;
import java.util.function.Function;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;

/** An upstream codec made of a format's pure mappers; a format's codec names them in its constructor. */
public abstract class MappedUpstreamCodec implements UpstreamCodec {

    private final Mappers mappers;

    private record Mappers(WireFormat format, BiFunction<ChatRequest, String, byte[]> requests,
            Function<byte[], ChatResponse> responses, Function<byte[], Usage> usage,
            Function<StreamLimits, ChunkDecoder> decoders, BiFunction<ChatRequest, StreamLimits, StreamRelay> relays) {
    }

    /**
     * @param requests the canonical request to a body, for an upstream model
     * @param responses a complete answer body to the canonical answer
     * @param usage the usage of a complete answer body, or null
     * @param decoders a decoder for one stream, within the limits
     * @param relays a passthrough relay for one stream answering a request
     */
    protected MappedUpstreamCodec(WireFormat format, BiFunction<ChatRequest, String, byte[]> requests,
            Function<byte[], ChatResponse> responses, Function<byte[], Usage> usage,
            Function<StreamLimits, ChunkDecoder> decoders, BiFunction<ChatRequest, StreamLimits, StreamRelay> relays) {
        this.mappers = new Mappers(format, requests, responses, usage, decoders, relays);
    }

    @Override
    public WireFormat format() {
        return mappers.format();
    }

    @Override
    public byte[] encodeRequest(ChatRequest request, String upstreamModel) {
        return mappers.requests().apply(request, upstreamModel);
    }

    @Override
    public ChatResponse decodeResponse(byte[] body) {
        return mappers.responses().apply(body);
    }

    @Override
    public Usage decodeUsage(byte[] body) {
        return mappers.usage().apply(body);
    }

    @Override
    public ChunkDecoder streamDecoder(ChatRequest request, StreamLimits limits) {
        return mappers.decoders().apply(limits);
    }

    @Override
    public StreamRelay passthroughRelay(ChatRequest request, StreamLimits limits) {
        return mappers.relays().apply(request, limits);
    }
}
