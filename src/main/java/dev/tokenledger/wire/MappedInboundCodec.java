package dev.tokenledger.wire;

import java.util.function.Function;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.WireFormat;

/**
 * An inbound codec made of a format's pure mappers; a format's codec names them in its constructor and overrides the
 * defaults it differs in (translation checks, error status, stream replay).
 */
public abstract class MappedInboundCodec implements InboundCodec {

    private final Mappers mappers;

    private record Mappers(WireFormat format, Function<byte[], ChatRequest> requests,
            Function<ChatResponse, byte[]> responses, Function<GatewayError, byte[]> errors,
            Function<ChatRequest, ChunkEncoder> encoders) {
    }

    /**
     * @param requests a client's request body to the canonical request
     * @param responses the canonical answer to a body
     * @param errors an error to a body
     * @param encoders an encoder for one stream answering a request
     */
    protected MappedInboundCodec(WireFormat format, Function<byte[], ChatRequest> requests,
            Function<ChatResponse, byte[]> responses, Function<GatewayError, byte[]> errors,
            Function<ChatRequest, ChunkEncoder> encoders) {
        this.mappers = new Mappers(format, requests, responses, errors, encoders);
    }

    @Override
    public WireFormat format() {
        return mappers.format();
    }

    @Override
    public ChatRequest decodeRequest(byte[] body) {
        return mappers.requests().apply(body);
    }

    @Override
    public byte[] encodeResponse(ChatResponse response) {
        return mappers.responses().apply(response);
    }

    @Override
    public byte[] encodeError(GatewayError error) {
        return mappers.errors().apply(error);
    }

    @Override
    public ChunkEncoder streamEncoder(ChatRequest request) {
        return mappers.encoders().apply(request);
    }
}
