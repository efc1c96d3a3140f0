package dev.tokenledger.wire.openai;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.MappedInboundCodec;

/**
 * The OpenAI Responses API format ({@code /v1/responses}), spoken by clients. A request is read leniently (what
 * governance needs); an upstream with the Responses API receives it as it came, any other upstream only once the
 * strict reading accepts it. Answers name the client's own tools again: custom tool calls, namespaced function calls
 * and tool searches. Errors use OpenAI's error shape, as the API does.
 */
@ApplicationScoped
public class OpenAiResponsesInboundCodec extends MappedInboundCodec {

    public OpenAiResponsesInboundCodec() {
        super(WireFormat.OPENAI_RESPONSES, body -> OpenAiResponsesRequests.toCanonical(Json.parseObject(body), false),
                OpenAiResponsesResponses::toWire, OpenAiErrors::encode,
                request -> new OpenAiResponsesChunkEncoder(OpenAiResponsesTools.of(request)));
    }

    /** A request body already parsed (e.g. continued from stored responses) to the canonical request. */
    public ChatRequest decodeRequest(ObjectNode root) {
        return OpenAiResponsesRequests.toCanonical(root, false);
    }

    @Override
    public void checkTranslatable(ChatRequest request, WireFormat upstream) {
        if (request.source() != null && request.source().body() instanceof ObjectNode root) {
            OpenAiResponsesRequests.toCanonical(root, true);
        }
    }

    @Override
    public byte[] encodeResponse(ChatResponse response, ChatRequest request) {
        return OpenAiResponsesResponses.toWire(response, OpenAiResponsesTools.of(request));
    }
}
