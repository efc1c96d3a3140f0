package dev.tokenledger.api.openai;

import java.util.List;
import java.util.function.Function;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestMulti;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.gateway.ChatPipeline;
import dev.tokenledger.gateway.ClientResponse;
import dev.tokenledger.http.RequestContext;
import dev.tokenledger.json.Json;
import dev.tokenledger.responses.StoredResponses;
import dev.tokenledger.wire.openai.OpenAiResponsesInboundCodec;
import dev.tokenledger.wire.openai.OpenAiStoredResponses;

/**
 * The Responses API: {@code POST /v1/responses} through the chat pipeline (JSON, or server-sent events with
 * {@code stream: true}), and the responses the gateway stored, {@code GET} and {@code DELETE /v1/responses/{id}}.
 *
 * <p>
 * A response is stored here when its request was translated for an upstream of another format and did not say
 * {@code store: false}; an OpenAI upstream stores its own, so a request that passes through is not. A request naming
 * a {@code previous_response_id} this caller's tenant stored continues it: the stored conversation goes before its
 * input, whatever upstream serves it. Any other id is left in the request: OpenAI may know it, and a translated
 * request is refused with OpenAI's 404. A stored answer leaves only once it is stored (a stream's terminal event
 * waits for it), so that the next turn finds it on any replica.
 */
@Path("/v1/responses")
public class OpenAiResponsesResource {

    private final ChatPipeline pipeline;
    private final OpenAiResponsesInboundCodec codec;
    private final StoredResponses stored;

    /** What a request's answer is stored with. */
    private record Storing(String tenant, String previousId, String input, boolean stream) {
    }

    @Inject
    public OpenAiResponsesResource(ChatPipeline pipeline, OpenAiResponsesInboundCodec codec, StoredResponses stored) {
        this.pipeline = pipeline;
        this.codec = codec;
        this.stored = stored;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_OCTET_STREAM) // the real type is set per answer: JSON or an event stream
    public RestMulti<byte[]> respond(byte[] body, RoutingContext rc) {
        RequestContext ctx = RequestContext.of(rc);
        Uni<ClientResponse> response = Uni.createFrom().deferred(() -> {
            ObjectNode root = Json.parseObject(body);
            String tenant = StoredResponses.tenant(ctx.principal());
            String previous = OpenAiStoredResponses.previousId(root);
            return conversation(tenant, previous).flatMap(turns -> {
                ChatRequest request = codec.decodeRequest(turns == null
                        ? root
                        : OpenAiStoredResponses.continued(root, turns));
                Storing storing = stored.enabled() && OpenAiStoredResponses.stores(root)
                        ? new Storing(tenant, turns == null ? null : previous,
                                OpenAiStoredResponses.inputItems(root).toString(),
                                request.stream())
                        : null;
                return pipeline.chat(codec, request, ctx).map(answer -> store(answer, storing, ctx));
            });
        });
        return RestMulti.fromUniResponse(response, ClientResponse::body, ClientResponse::headers, ClientResponse::status);
    }

    /** The stored turns a request continues, oldest first; null when it continues none this tenant stored. */
    private Uni<List<OpenAiStoredResponses.Turn>> conversation(String tenant, String previous) {
        if (previous == null || previous.length() > OpenAiStoredResponses.MAX_ID_LENGTH || !stored.enabled()) {
            return Uni.createFrom().nullItem();
        }
        return stored.chain(tenant, previous).map(turns -> turns == null
                ? null
                : turns.stream().map(t -> new OpenAiStoredResponses.Turn(t.input(), t.response())).toList());
    }

    /** The answer, its finished response stored before the bytes that finish it leave (translated answers only). */
    private ClientResponse store(ClientResponse answer, Storing storing, RequestContext ctx) {
        if (storing == null || answer.status() != 200) {
            return answer;
        }
        Multi<byte[]> body = answer.body().onItem().transformToUniAndConcatenate(bytes -> {
            if (!Boolean.TRUE.equals(ctx.translated())) {
                return Uni.createFrom().item(bytes);
            }
            ObjectNode response = storing.stream()
                    ? OpenAiStoredResponses.finishedInStream(bytes)
                    : OpenAiStoredResponses.finished(bytes);
            if (response == null) {
                return Uni.createFrom().item(bytes);
            }
            String id = response.get("id").asText();
            if (id.equals(storing.previousId())) {
                return Uni.createFrom().item(bytes); // an upstream that repeats its ids: the turn would be its own parent
            }
            return stored.save(storing.tenant(), id, storing.previousId(), storing.input(),
                    OpenAiStoredResponses.stored(response, storing.previousId()).toString())
                    .invoke(saved -> {
                        if (!saved) {
                            Log.debugf("Response %s of request %s is over the stored size bound; not stored", id,
                                    ctx.requestId());
                        }
                    })
                    .onFailure().recoverWithItem(failure -> {
                        Log.warnf("Response of request %s not stored: %s", ctx.requestId(), failure.getMessage());
                        return false;
                    })
                    .replaceWith(bytes);
        });
        return new ClientResponse(answer.status(), answer.headers(), body);
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ObjectNode> get(@PathParam("id") String id, RoutingContext rc) {
        return stored(id, rc, tenant -> stored.find(tenant, id).map(response -> response == null
                ? null
                : Json.tryParseObject(response)));
    }

    @DELETE
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ObjectNode> delete(@PathParam("id") String id, RoutingContext rc) {
        return stored(id, rc, tenant -> stored.delete(tenant, id)
                .map(deleted -> deleted ? OpenAiStoredResponses.deleted(id) : null));
    }

    /** What an operation on the caller's stored response answers; OpenAI's 404 when it finds none. */
    private static Uni<ObjectNode> stored(String id, RoutingContext rc, Function<String, Uni<ObjectNode>> operation) {
        if (id.length() > OpenAiStoredResponses.MAX_ID_LENGTH) {
            return Uni.createFrom().failure(OpenAiStoredResponses.notFound(id));
        }
        return operation.apply(StoredResponses.tenant(RequestContext.of(rc).principal())).map(answer -> {
            if (answer == null) {
                throw OpenAiStoredResponses.notFound(id);
            }
            return answer;
        });
    }
}
