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
import dev.tokenledger.wire.openai.OpenAiCompletionsInboundCodec;
import dev.tokenledger.wire.openai.OpenAiResponsesInboundCodec;

/**
 * The OpenAI formats beside chat, answered through the same pipeline: the Responses API ({@code POST /v1/responses})
 * and legacy text completions ({@code POST /v1/completions}), each as JSON or, with {@code stream: true}, as that
 * format's server-sent events. Authentication is the chat endpoint's; errors use OpenAI's error shape.
 */
@Path("/v1")
public class OpenAiTranslatedResource {

    @Inject
    ChatPipeline pipeline;

    @Inject
    OpenAiResponsesInboundCodec responses;

    @Inject
    OpenAiCompletionsInboundCodec completions;

    @POST
    @Path("/responses")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_OCTET_STREAM) // the real type is set per answer: JSON or an event stream
    public RestMulti<byte[]> respond(byte[] body, RoutingContext rc) {
        return serve(responses, body, rc);
    }

    @POST
    @Path("/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public RestMulti<byte[]> complete(byte[] body, RoutingContext rc) {
        return serve(completions, body, rc);
    }

    private RestMulti<byte[]> serve(InboundCodec codec, byte[] body, RoutingContext rc) {
        RequestContext ctx = RequestContext.of(rc);
        Uni<ClientResponse> response = Uni.createFrom().deferred(() -> pipeline.chat(codec, codec.decodeRequest(body), ctx));
        return RestMulti.fromUniResponse(response, ClientResponse::body, ClientResponse::headers, ClientResponse::status);
    }
}
