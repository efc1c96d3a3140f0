package dev.tokenledger.api.openai;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestMulti;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.gateway.ChatPipeline;
import dev.tokenledger.gateway.ClientResponse;
import dev.tokenledger.http.RequestContext;
import dev.tokenledger.wire.InboundCodec;
import dev.tokenledger.wire.openai.OpenAiChatInboundCodec;
import dev.tokenledger.wire.openai.OpenAiCompletionsInboundCodec;

/**
 * OpenAI Chat Completions ({@code POST /v1/chat/completions}) and legacy text completions
 * ({@code POST /v1/completions}), answered as JSON or, with {@code stream: true}, as that format's server-sent events.
 * Errors use OpenAI's error shape. The Responses API has its own resource ({@link OpenAiResponsesResource}).
 */
@Path("/v1")
public class OpenAiChatResource {

    @Inject
    ChatPipeline pipeline;

    @Inject
    OpenAiChatInboundCodec codec;

    @Inject
    OpenAiCompletionsInboundCodec completions;

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_OCTET_STREAM) // the real type is set per answer: JSON or an event stream
    public RestMulti<byte[]> chat(byte[] body, RoutingContext rc) {
        return serve(codec, body, rc);
    }

    @POST
    @Path("/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public RestMulti<byte[]> complete(byte[] body, RoutingContext rc) {
        return serve(completions, body, rc);
    }

    private RestMulti<byte[]> serve(InboundCodec format, byte[] body, RoutingContext rc) {
        RequestContext ctx = RequestContext.of(rc);
        Uni<ClientResponse> response = Uni.createFrom().deferred(() -> pipeline.chat(format, format.decodeRequest(body), ctx));
        return RestMulti.fromUniResponse(response, ClientResponse::body, ClientResponse::headers, ClientResponse::status);
    }
}
