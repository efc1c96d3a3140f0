package dev.tokenledger.api.openai;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.auth.Principal;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.credentials.UpstreamModels;
import dev.tokenledger.http.RequestContext;
import dev.tokenledger.json.Json;
import dev.tokenledger.routing.ModelRouter;
import dev.tokenledger.routing.Route;
import dev.tokenledger.wire.anthropic.AnthropicModels;

/**
 * Model listing: the aliases and {@code <provider>/<model>} routes a client may use, and the models the upstreams that
 * can list them offer (e.g. GitHub Copilot's, as {@code <provider>/<model>}), in OpenAI's shape, or in Anthropic's when
 * the request carries {@code anthropic-version} (Claude Code and the Anthropic SDKs share the path).
 */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class OpenAiModelsResource {

    /** A fixed creation time: aliases have no meaningful one, and clients only need a number. */
    private static final long CREATED = 1_700_000_000L;

    @Inject
    ModelRouter router;

    @Inject
    UpstreamModels upstream;

    /** The header by which an Anthropic client is known. */
    private static final String ANTHROPIC_VERSION = "anthropic-version";

    @GET
    public Uni<ObjectNode> list(RoutingContext rc) {
        Principal principal = RequestContext.of(rc).principal();
        if (rc.request().getHeader(ANTHROPIC_VERSION) != null) {
            return Uni.createFrom()
                    .item(AnthropicModels.list(router.knownModels().stream().filter(principal::mayUse).toList()));
        }
        ObjectNode root = Json.NODES.objectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        List<String> models = router.knownModels();
        Set<String> listed = new HashSet<>();
        models.stream().filter(principal::mayUse).forEach(id -> {
            listed.add(id);
            data.add(model(id, router.find(id).orElseThrow().primary().provider().id()));
        });
        return upstream.byProvider().map(byProvider -> {
            byProvider.forEach((provider, ids) -> ids.stream().map(id -> provider + "/" + id)
                    .filter(id -> principal.mayUse(id) && listed.add(id)).forEach(id -> data.add(model(id, provider))));
            return root;
        });
    }

    @GET
    @Path("/{id: .+}")
    public ObjectNode get(@PathParam("id") String id, RoutingContext rc) {
        if (!RequestContext.of(rc).principal().mayUse(id)) {
            throw GatewayError.of(ErrorKind.NOT_FOUND,
                    "The model '" + id + "' does not exist or is not available to this key.");
        }
        Route route = router.find(id).orElseThrow(() -> GatewayError.of(ErrorKind.NOT_FOUND,
                "The model '" + id + "' does not exist or is not served by this gateway. GET /v1/models lists them."));
        return rc.request().getHeader(ANTHROPIC_VERSION) != null
                ? AnthropicModels.model(id)
                : model(id, route.primary().provider().id());
    }

    private static ObjectNode model(String id, String provider) {
        return Json.NODES.objectNode()
                .put("id", id)
                .put("object", "model")
                .put("created", CREATED)
                .put("owned_by", provider);
    }
}
