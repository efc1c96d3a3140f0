package dev.tokenledger.api.anthropic;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestMulti;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.gateway.ChatPipeline;
import dev.tokenledger.gateway.ClientResponse;
import dev.tokenledger.gateway.RequestContext;
import dev.tokenledger.gateway.TokenCounting;
import dev.tokenledger.wire.anthropic.AnthropicChatCodec;
import dev.tokenledger.wire.anthropic.AnthropicTokenCounts;

/**
 * Anthropic Messages: {@code POST /v1/messages}, answered as JSON or, with {@code stream: true}, as server-sent
 * events; and {@code POST /v1/messages/count_tokens}. The {@code anthropic-version} and {@code anthropic-beta}
 * headers the SDKs send are accepted and not needed: the body says everything.
 */
@Path("/v1/messages")
public class AnthropicMessagesResource {

    @Inject
    ChatPipeline pipeline;

    @Inject
    TokenCounting counting;

    @Inject
    AnthropicChatCodec codec;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_OCTET_STREAM) // the real type is set per answer: JSON or an event stream
    public RestMulti<byte[]> messages(byte[] body, RoutingContext rc) {
        RequestContext ctx = RequestContext.of(rc);
        Uni<ClientResponse> response = Uni.createFrom().deferred(() -> pipeline.chat(codec, codec.decodeRequest(body), ctx));
        return RestMulti.fromUniResponse(response, ClientResponse::body, ClientResponse::headers, ClientResponse::status);
    }

    /** Counted by the upstream when it can, else estimated; {@code x-tokenledger-token-count} tells which. */
    @POST
    @Path("/count_tokens")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> countTokens(byte[] body, RoutingContext rc) {
        RequestContext ctx = RequestContext.of(rc);
        return Uni.createFrom().deferred(() -> counting.count(AnthropicTokenCounts.toCanonical(body), ctx))
                .map(count -> Response.ok(AnthropicTokenCounts.responseToWire(count.inputTokens()))
                        .type(MediaType.APPLICATION_JSON)
                        .header(TokenCounting.SOURCE_HEADER, count.source())
                        .build());
    }
}
