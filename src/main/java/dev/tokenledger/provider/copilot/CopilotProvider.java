package dev.tokenledger.provider.copilot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.EmbeddingsCapable;
import dev.tokenledger.provider.HttpProvider;
import dev.tokenledger.provider.ModelsCapable;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.ProviderView;
import dev.tokenledger.provider.UpstreamHttp;
import dev.tokenledger.provider.UpstreamReply;
import dev.tokenledger.provider.UpstreamStream;
import dev.tokenledger.wire.openai.OpenAiErrors;
import dev.tokenledger.wire.openai.OpenAiRateLimits;

/**
 * GitHub Copilot's chat API: OpenAI Chat Completions at {@code {api}/chat/completions}, where {@code api} is the base
 * URL the token exchange named (and the Responses API at {@code {api}/responses} for a model the upstream's model list
 * serves only there, see {@link #forModel}), with the Copilot token as bearer and the editor headers of the provider's options
 * (the credential's fingerprint headers come with the settings' headers). Per request: {@code X-Request-Id},
 * {@code X-Initiator} ({@code agent} when the last message is the assistant's or a tool's, else {@code user}) and
 * {@code Copilot-Vision-Request} when an image is present.
 */
public final class CopilotProvider extends HttpProvider implements EmbeddingsCapable, ModelsCapable {

    private final String base;
    private final Map<String, String> jsonHeaders;
    private final Map<String, String> streamHeaders;
    private final CopilotModels models;
    private final Provider responses = new ResponsesOnly();

    public CopilotProvider(ProviderSettings settings, String baseUrl, UpstreamHttp http, CopilotModels models) {
        super(settings, http);
        this.models = models;
        this.base = trimmed(baseUrl);
        Map<String, String> own = new LinkedHashMap<>();
        settings.apiKey().ifPresent(key -> own.put("Authorization", "Bearer " + key));
        own.put("Copilot-Integration-Id", option(CopilotProviderFactory.INTEGRATION_ID));
        own.put("Editor-Version", option(CopilotProviderFactory.EDITOR_VERSION));
        own.put("Editor-Plugin-Version", option(CopilotProviderFactory.EDITOR_PLUGIN_VERSION));
        own.put("User-Agent", option(CopilotProviderFactory.USER_AGENT));
        own.put("X-GitHub-Api-Version", option(CopilotProviderFactory.API_VERSION));
        own.put("Openai-Intent", option(CopilotProviderFactory.OPENAI_INTENT));
        own.values().removeIf(v -> v == null || v.isBlank());
        this.jsonHeaders = headers("application/json", own);
        this.streamHeaders = headers("text/event-stream", own);
        readModelsIfStale(); // a credential joining its pool (or refreshed) reads the list before requests need it
    }

    private String option(String name) {
        return settings.option(name).orElse(null);
    }

    @Override
    public WireFormat format() {
        return WireFormat.OPENAI_CHAT;
    }

    /**
     * A model the upstream's list names with the Responses API only ({@code supported_endpoints: ["/responses"]}) is
     * served at {@code {api}/responses} in that format; every other model at {@code {api}/chat/completions}. A list
     * older than its TTL is read again in the background by a credential's instance.
     */
    @Override
    public Provider forModel(String upstreamModel) {
        readModelsIfStale();
        return models.responsesOnly(upstreamModel) ? responses : this;
    }

    /** A credential's instance reads the list in the background when it is older than its TTL. */
    private void readModelsIfStale() {
        if (settings.apiKey().isPresent() && models.stale()) {
            models.readSoon(this::models);
        }
    }

    /** The headers of one chat request. */
    static Map<String, String> perRequest(Map<String, String> headers, ChatRequest request, String requestId) {
        Map<String, String> out = new LinkedHashMap<>(headers);
        if (requestId != null) {
            out.put("X-Request-Id", requestId);
        }
        List<Message> messages = request.messages();
        String last = messages == null || messages.isEmpty() ? "user" : messages.get(messages.size() - 1).role();
        out.put("X-Initiator", "assistant".equals(last) || "tool".equals(last) ? "agent" : "user");
        if (messages != null && messages.stream().anyMatch(m -> m.content() != null
                && m.content().stream().anyMatch(ContentPart.Image.class::isInstance))) {
            out.put("Copilot-Vision-Request", "true");
        }
        return out;
    }

    @Override
    public Uni<UpstreamReply> chat(ChatCall call) {
        return post("/chat/completions", call);
    }

    @Override
    public Uni<UpstreamStream> chatStream(ChatCall call) {
        return postStream("/chat/completions", call);
    }

    /** Posts a chat call's body to {@code {api}{path}} for a complete answer. */
    private Uni<UpstreamReply> post(String path, ChatCall call) {
        return Uni.createFrom().deferred(() -> http.post(base + path,
                traced(perRequest(jsonHeaders, call.request(), call.requestId()), call), call.body(),
                OpenAiErrors::message, OpenAiRateLimits.READER));
    }

    /** Posts a chat call's body to {@code {api}{path}} for a stream. */
    private Uni<UpstreamStream> postStream(String path, ChatCall call) {
        return Uni.createFrom().deferred(() -> http.postStream(base + path,
                traced(perRequest(streamHeaders, call.request(), call.requestId()), call), call.body(),
                OpenAiErrors::message, OpenAiRateLimits.READER));
    }

    @Override
    public Uni<UpstreamReply> embeddings(byte[] body, String requestId, String traceparent) {
        Map<String, String> headers = new LinkedHashMap<>(traced(jsonHeaders, traceparent));
        if (requestId != null) {
            headers.put("X-Request-Id", requestId);
        }
        return Uni.createFrom().deferred(() -> http.post(base + "/embeddings", headers, body, OpenAiErrors::message,
                OpenAiRateLimits.READER));
    }

    @Override
    public Uni<List<String>> models() {
        return http.get(base + "/models", jsonHeaders, OpenAiErrors::message).map(reply -> models.read(reply.body()));
    }

    /**
     * This provider as it serves a Responses-only model: the request in the Responses format (passed through for a
     * Responses client, written from the canonical request for any other) to {@code {api}/responses}.
     */
    private final class ResponsesOnly implements ProviderView {

        @Override
        public Provider provider() {
            return CopilotProvider.this;
        }

        @Override
        public WireFormat format() {
            return WireFormat.OPENAI_RESPONSES;
        }

        @Override
        public Uni<UpstreamReply> chat(ChatCall call) {
            return post("/responses", call);
        }

        @Override
        public Uni<UpstreamStream> chatStream(ChatCall call) {
            return postStream("/responses", call);
        }
    }
}
