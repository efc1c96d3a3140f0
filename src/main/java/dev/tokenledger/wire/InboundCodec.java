package dev.tokenledger.wire;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.WireFormat;

/**
 * The client side of a chat wire format: what an inbound API that speaks it to clients needs. It reads the client's
 * request into the canonical model and writes answers, errors and streams back in the client's format; it never
 * reads an answer of its own format (cached answers are stored canonical). A format no client speaks has none.
 * Implementations are pure mappers, registered as CDI beans (see {@link InboundCodecs}).
 */
public interface InboundCodec {

    WireFormat format();

    /** An inbound request body to the canonical request. */
    ChatRequest decodeRequest(byte[] body);

    /**
     * Refuses, with a 400 naming the field, a request that uses what this format can express but the canonical model
     * cannot carry to an upstream of another format (e.g. Anthropic server tools or document blocks). Called only when
     * the upstream speaks another format; such a request still passes to an upstream of this format.
     */
    default void checkTranslatable(ChatRequest request, WireFormat upstream) {
    }

    /** The canonical response to this format's answer body. */
    byte[] encodeResponse(ChatResponse response);

    /**
     * The canonical response to this format's answer body, answering the given request: a format whose answers refer
     * to what its request declared (the Responses API's custom and namespaced tools) overrides this.
     */
    default byte[] encodeResponse(ChatResponse response, ChatRequest request) {
        return encodeResponse(response);
    }

    /** The error body of this format. */
    byte[] encodeError(GatewayError error);

    /** The HTTP status of an error in this format (Anthropic answers overload with 529). */
    default int errorStatus(GatewayError error) {
        return error.httpStatus();
    }

    /**
     * A complete answer as this format's event stream, as an upstream would have streamed it (a cached answer replayed
     * to a streaming client). Formats that cannot do this answer unsupported, and the caller then treats the answer as
     * not replayable.
     *
     * @param includeUsage whether the client asked for a usage report in the stream
     */
    default byte[] encodeAsStream(ChatResponse response, boolean includeUsage) {
        throw GatewayError.of(ErrorKind.UNSUPPORTED, "This API cannot replay a complete answer as a stream.");
    }

    /** An encoder writing one stream in this format, answering the given request. */
    ChunkEncoder streamEncoder(ChatRequest request);
}
