package dev.tokenledger.api.ollama;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
import dev.tokenledger.wire.ollama.OllamaInboundCodec;

/**
 * Ollama's native chat API for Ollama clients: {@code POST /api/chat}, answered as one JSON object with
 * {@code stream: false}, otherwise (Ollama's default) as an NDJSON stream written line by line as it is translated.
 */
@Path("/api")
public class OllamaChatResource {

    @Inject
    ChatPipeline pipeline;

    @Inject
    OllamaInboundCodec codec;

    @POST
    @Path("/chat")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_OCTET_STREAM) // the real type is set per answer: JSON or NDJSON
    public RestMulti<byte[]> chat(byte[] body, RoutingContext rc) {
        RequestContext ctx = RequestContext.of(rc);
        Uni<ClientResponse> response = Uni.createFrom().deferred(() -> pipeline.chat(codec, codec.decodeRequest(body), ctx));
        return RestMulti.fromUniResponse(response, ClientResponse::body, OllamaChatResource::headers,
                ClientResponse::status);
    }

    /** The pipeline's stream headers, with Ollama's stream type instead of server-sent events. */
    private static Map<String, List<String>> headers(ClientResponse response) {
        List<String> type = response.headers().get("Content-Type");
        if (type == null || type.isEmpty() || !type.get(0).startsWith("text/event-stream")) {
            return response.headers();
        }
        Map<String, List<String>> headers = new HashMap<>(response.headers());
        headers.put("Content-Type", List.of("application/x-ndjson"));
        return headers;
    }
}
