package dev.tokenledger.provider.openai;

import java.util.LinkedHashMap;
import java.util.Map;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.EmbeddingsCapable;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.UpstreamHttp;
import dev.tokenledger.provider.UpstreamReply;
import dev.tokenledger.provider.UpstreamStream;
import dev.tokenledger.wire.openai.OpenAiChatRequests;
import dev.tokenledger.wire.openai.OpenAiErrors;

/**
 * Any OpenAI-compatible server: OpenAI itself, LM Studio, vLLM, llama.cpp and the like. Speaks the OpenAI Chat
 * Completions format; the API key, when configured, goes in a bearer header.
 */
public final class OpenAiProvider implements Provider, EmbeddingsCapable {

    private final ProviderSettings settings;
    private final UpstreamHttp http;
    private final String chatUrl;
    private final String embeddingsUrl;
    private final Map<String, String> jsonHeaders;
    private final Map<String, String> streamHeaders;

    public OpenAiProvider(ProviderSettings settings, String baseUrl, UpstreamHttp http) {
        this.settings = settings;
        this.http = http;
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.chatUrl = base + "/chat/completions";
        this.embeddingsUrl = base + "/embeddings";
        this.jsonHeaders = headers("application/json");
        this.streamHeaders = headers("text/event-stream");
    }

    private Map<String, String> headers(String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", accept);
        settings.apiKey().ifPresent(key -> headers.put("Authorization", "Bearer " + key));
        headers.putAll(settings.headers());
        return Map.copyOf(headers);
    }

    @Override
    public String id() {
        return settings.id();
    }

    @Override
    public String type() {
        return settings.type();
    }

    @Override
    public String priceProvider() {
        return settings.priceProvider().orElse(settings.type());
    }

    @Override
    public WireFormat format() {
        return WireFormat.OPENAI_CHAT;
    }

    @Override
    public Uni<UpstreamReply> chat(ChatCall call) {
        return http.post(chatUrl, jsonHeaders, OpenAiChatRequests.toWire(call.request(), call.upstreamModel()),
                OpenAiErrors::message);
    }

    @Override
    public Uni<UpstreamStream> chatStream(ChatCall call) {
        return http.postStream(chatUrl, streamHeaders, OpenAiChatRequests.toWire(call.request(), call.upstreamModel()),
                OpenAiErrors::message);
    }

    @Override
    public Uni<UpstreamReply> embeddings(byte[] body, String requestId) {
        return http.post(embeddingsUrl, jsonHeaders, body, OpenAiErrors::message);
    }
}
