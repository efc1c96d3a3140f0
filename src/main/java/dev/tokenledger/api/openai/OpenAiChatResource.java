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
import dev.tokenledger.wire.openai.OpenAiChatInboundCodec;

/**
 * OpenAI Chat Completions: {@code POST /v1/chat/completions}, answered as JSON or, with {@code stream: true}, as
 * server-sent events written byte for byte as they arrive.
 */
@Path("/v1")
public class OpenAiChatResource {

    @Inject
    ChatPipeline pipeline;

    @Inject
    OpenAiChatInboundCodec codec;

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_OCTET_STREAM) // the real type is set per answer: JSON or an event stream
    public RestMulti<byte[]> chat(byte[] body, RoutingContext rc) {
        RequestContext ctx = RequestContext.of(rc);
        Uni<ClientResponse> response = Uni.createFrom().deferred(() -> pipeline.chat(codec, codec.decodeRequest(body), ctx));
        return RestMulti.fromUniResponse(response, ClientResponse::body, ClientResponse::headers, ClientResponse::status);
    }
}
