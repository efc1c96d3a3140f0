package dev.tokenledger.api.gemini;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestMulti;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.auth.Principal;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.gateway.ChatPipeline;
import dev.tokenledger.gateway.ClientResponse;
import dev.tokenledger.gateway.TokenCounting;
import dev.tokenledger.http.RequestContext;
import dev.tokenledger.json.Json;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.wire.gemini.GeminiArrayStream;
import dev.tokenledger.wire.gemini.GeminiInboundCodec;
import dev.tokenledger.wire.gemini.GeminiTokenCounts;

/**
 * The Gemini API: {@code POST /v1beta/models/{model}:generateContent}, {@code :streamGenerateContent?alt=sse},
 * {@code :countTokens}, and the model list. Without {@code alt=sse} a stream is Google's JSON array. The model is in the path and may itself hold slashes (a
 * {@code <provider>/<model>} route), so the method is what follows the last colon.
 */
@Path("/v1beta/models")
public class GeminiResource {

    private static final List<String> METHODS = List.of("generateContent", "streamGenerateContent", "countTokens");
    private static final Map<String, List<String>> JSON_STREAM = Map.of("Content-Type",
            List.of("application/json; charset=UTF-8"), "Cache-Control", List.of("no-cache"), "X-Accel-Buffering",
            List.of("no"));

    @Inject
    ChatPipeline pipeline;

    @Inject
    TokenCounting tokenCounts;

    @Inject
    GeminiInboundCodec codec;

    @Inject
    ModelRouter router;

    @POST
    @Path("/{target: .+}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_OCTET_STREAM) // the real type is set per answer: JSON or an event stream
    public RestMulti<byte[]> call(@PathParam("target") String target, @QueryParam("alt") String alt, byte[] body,
            RoutingContext rc) {
        RequestContext ctx = RequestContext.of(rc);
        int colon = target.lastIndexOf(':');
        String method = colon < 0 ? "" : target.substring(colon + 1);
        String model = colon < 0 ? target : target.substring(0, colon);
        Uni<ClientResponse> response = Uni.createFrom().deferred(() -> switch (method) {
            case "generateContent" -> pipeline.chat(codec, codec.decodeRequest(body, model, false), ctx);
            case "streamGenerateContent" -> {
                Uni<ClientResponse> sse = pipeline.chat(codec, codec.decodeRequest(body, model, true), ctx);
                yield "sse".equals(alt) ? sse : sse.map(GeminiResource::asJsonArray);
            }
            case "countTokens" -> tokenCounts.count(() -> GeminiTokenCounts.toCanonical(body, model), ctx)
                    .map(count -> ClientResponse.json(200, GeminiTokenCounts.answer(count.inputTokens()),
                            Map.of(TokenCounting.SOURCE_HEADER, count.source())));
            default -> throw GatewayError.of(ErrorKind.NOT_FOUND, "Unknown method '" + target + "'; this gateway serves "
                    + "models/{model}:" + String.join(", :", METHODS) + ".");
        });
        return RestMulti.fromUniResponse(response, ClientResponse::body, ClientResponse::headers, ClientResponse::status);
    }

    /** Without {@code alt=sse}, Google streams one JSON array, element by element. */
    private static ClientResponse asJsonArray(ClientResponse sse) {
        GeminiArrayStream array = new GeminiArrayStream();
        Multi<byte[]> body = sse.body().map(array::onBytes)
                .onCompletion().switchTo(() -> Multi.createFrom().item(array.end()))
                .select().where(bytes -> bytes.length > 0);
        return new ClientResponse(sse.status(), JSON_STREAM, body);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode list(RoutingContext rc) {
        Principal principal = RequestContext.of(rc).principal();
        ObjectNode root = Json.NODES.objectNode();
        ArrayNode models = root.putArray("models");
        router.knownModels().stream().filter(principal::mayUse).forEach(id -> models.add(model(id)));
        return root;
    }

    @GET
    @Path("/{model: .+}")
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode get(@PathParam("model") String id, RoutingContext rc) {
        if (!RequestContext.of(rc).principal().mayUse(id) || router.find(id).isEmpty()) {
            throw GatewayError.of(ErrorKind.NOT_FOUND, "models/" + id + " is not found or not available to this key. "
                    + "GET /v1beta/models lists the models you can use.");
        }
        return model(id);
    }

    private static ObjectNode model(String id) {
        ObjectNode model = Json.NODES.objectNode().put("name", "models/" + id).put("displayName", id);
        ArrayNode methods = model.putArray("supportedGenerationMethods");
        METHODS.forEach(methods::add);
        return model;
    }
}
