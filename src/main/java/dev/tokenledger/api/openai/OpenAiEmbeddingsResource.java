package dev.tokenledger.api.openai;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.gateway.EmbeddingsPipeline;
import dev.tokenledger.http.RequestContext;

/** OpenAI embeddings: {@code POST /v1/embeddings}, for providers that can embed. */
@Path("/v1")
public class OpenAiEmbeddingsResource {

    @Inject
    EmbeddingsPipeline pipeline;

    @POST
    @Path("/embeddings")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> embeddings(byte[] body, RoutingContext rc) {
        return pipeline.embed(body, RequestContext.of(rc))
                .map(bytes -> Response.ok(bytes, MediaType.APPLICATION_JSON_TYPE).build());
    }
}
