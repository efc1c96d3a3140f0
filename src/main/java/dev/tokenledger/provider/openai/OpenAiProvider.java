package dev.tokenledger.provider.openai;

import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.EmbeddingsCapable;
import dev.tokenledger.provider.HttpProvider;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.UpstreamHttp;
import dev.tokenledger.provider.UpstreamReply;
import dev.tokenledger.provider.UpstreamStream;
import dev.tokenledger.wire.openai.OpenAiErrors;
import dev.tokenledger.wire.openai.OpenAiRateLimits;

/**
 * Any server that speaks the OpenAI Chat Completions format: OpenAI itself, LM Studio, vLLM, llama.cpp and the like
 * at {@code {base}/chat/completions} with a bearer key, or any other URL layout and credentials given as
 * {@link Endpoints} (Azure OpenAI). A server with the Responses API (OpenAI) also takes Responses clients' requests
 * as they came, at {@code {base}/responses}.
 */
public final class OpenAiProvider extends HttpProvider implements EmbeddingsCapable {

    /** Where an OpenAI-format server takes its requests and which credentials it wants. */
    public interface Endpoints {

        String chatUrl(String upstreamModel);

        /** @param upstreamModel the model of the embeddings request, read from its body only when the URL needs it */
        String embeddingsUrl(Supplier<String> upstreamModel);

        Map<String, String> credentials();

        /**
         * Where Responses API requests go, for a server that has the API; null (the default) when it has not, and a
         * Responses client's requests are translated to chat.
         */
        default String responsesUrl() {
            return null;
        }
    }

    /**
     * The option that says whether a provider has OpenAI's Responses API at {@code {base}/responses}; a type that
     * declares it passes Responses clients' requests through there.
     */
    public static final String RESPONSES_API = "responses-api";

    /**
     * OpenAI's layout: {@code {base}/chat/completions}, {@code {base}/embeddings} and, when the option
     * {@value #RESPONSES_API} is {@code true}, {@code {base}/responses}; the key as a bearer token.
     */
    public static Endpoints standard(String baseUrl, ProviderSettings settings) {
        String base = trimmed(baseUrl);
        Map<String, String> credentials = bearer(settings);
        boolean responses = settings.option(RESPONSES_API).map(Boolean::parseBoolean).orElse(false);
        return new Endpoints() {
            @Override
            public String chatUrl(String upstreamModel) {
                return base + "/chat/completions";
            }

            @Override
            public String responsesUrl() {
                return responses ? base + "/responses" : null;
            }

            @Override
            public String embeddingsUrl(Supplier<String> upstreamModel) {
                return base + "/embeddings";
            }

            @Override
            public Map<String, String> credentials() {
                return credentials;
            }
        };
    }

    private final Endpoints endpoints;
    private final Map<String, String> jsonHeaders;
    private final Map<String, String> streamHeaders;

    public OpenAiProvider(ProviderSettings settings, String baseUrl, UpstreamHttp http) {
        this(settings, standard(baseUrl, settings), http);
    }

    public OpenAiProvider(ProviderSettings settings, Endpoints endpoints, UpstreamHttp http) {
        super(settings, http);
        this.endpoints = endpoints;
        this.jsonHeaders = headers("application/json", endpoints.credentials());
        this.streamHeaders = headers("text/event-stream", endpoints.credentials());
    }

    /** The URL chat requests for a model go to. */
    public String chatUrl(String upstreamModel) {
        return endpoints.chatUrl(upstreamModel);
    }

    @Override
    public WireFormat format() {
        return WireFormat.OPENAI_CHAT;
    }

    @Override
    public boolean speaks(WireFormat clientFormat) {
        return clientFormat == WireFormat.OPENAI_CHAT
                || clientFormat == WireFormat.OPENAI_RESPONSES && endpoints.responsesUrl() != null;
    }

    /** The URL of one call: the Responses API for a call in its format, else chat completions. */
    private String url(ChatCall call) {
        return call.format() == WireFormat.OPENAI_RESPONSES
                ? endpoints.responsesUrl()
                : endpoints.chatUrl(call.upstreamModel());
    }

    @Override
    public Uni<UpstreamReply> chat(ChatCall call) {
        return Uni.createFrom().deferred(() -> http.post(url(call), traced(jsonHeaders, call), call.body(),
                OpenAiErrors::message,
                OpenAiRateLimits.READER));
    }

    @Override
    public Uni<UpstreamStream> chatStream(ChatCall call) {
        return Uni.createFrom().deferred(() -> http.postStream(url(call), traced(streamHeaders, call), call.body(),
                OpenAiErrors::message, OpenAiRateLimits.READER));
    }

    @Override
    public Uni<UpstreamReply> embeddings(byte[] body, String requestId, String traceparent) {
        Supplier<String> model = () -> {
            JsonNode node = Json.topLevelField(body, "model");
            return node == null ? "" : node.asText("");
        };
        return Uni.createFrom().deferred(
                () -> http.post(endpoints.embeddingsUrl(model), traced(jsonHeaders, traceparent), body, OpenAiErrors::message,
                        OpenAiRateLimits.READER));
    }
}
