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

import dev.tokenledger.canonical.ClientText;
import dev.tokenledger.gateway.ChatPipeline;
import dev.tokenledger.gateway.ClientResponse;
import dev.tokenledger.gateway.TokenCounting;
import dev.tokenledger.http.RequestContext;
import dev.tokenledger.wire.anthropic.AnthropicInboundCodec;
import dev.tokenledger.wire.anthropic.AnthropicTokenCounts;

/**
 * Anthropic Messages: {@code POST /v1/messages}, answered as JSON or, with {@code stream: true}, as server-sent
 * events; and {@code POST /v1/messages/count_tokens}. The {@code anthropic-version} header the SDKs send is accepted
 * and not needed; {@code anthropic-beta} is passed on to an Anthropic upstream (other upstreams do not need it).
 */
@Path("/v1/messages")
public class AnthropicMessagesResource {

    /** The beta features a request uses; passed on to an Anthropic upstream. */
    private static final String BETA = "anthropic-beta";

    @Inject
    ChatPipeline pipeline;

    @Inject
    TokenCounting counting;

    @Inject
    AnthropicInboundCodec codec;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_OCTET_STREAM) // the real type is set per answer: JSON or an event stream
    public RestMulti<byte[]> messages(byte[] body, RoutingContext rc) {
        RequestContext ctx = RequestContext.of(rc);
        Uni<ClientResponse> response = Uni.createFrom().deferred(() -> pipeline.chat(codec,
                codec.decodeRequest(body, beta(rc)), ctx));
        return RestMulti.fromUniResponse(response, ClientResponse::body, ClientResponse::headers, ClientResponse::status);
    }

    /** Counted by the upstream when it can, else estimated; {@code x-tokenledger-token-count} tells which. */
    @POST
    @Path("/count_tokens")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> countTokens(byte[] body, RoutingContext rc) {
        RequestContext ctx = RequestContext.of(rc);
        return counting.count(() -> AnthropicTokenCounts.toCanonical(body, beta(rc)), ctx)
                .map(count -> Response.ok(AnthropicTokenCounts.responseToWire(count.inputTokens()))
                        .type(MediaType.APPLICATION_JSON)
                        .header(TokenCounting.SOURCE_HEADER, count.source())
                        .build());
    }

    /** The beta header, passed on upstream: printable and bounded like every client text that leaves the gateway. */
    private static String beta(RoutingContext rc) {
        return ClientText.attribute(BETA, rc.request().getHeader(BETA), 1000);
    }
}
