package dev.tokenledger.provider.ollama;

import java.util.Map;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.HttpProvider;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.UpstreamHttp;
import dev.tokenledger.provider.UpstreamReply;
import dev.tokenledger.provider.UpstreamStream;
import dev.tokenledger.wire.ollama.OllamaErrors;

/**
 * An Ollama server through its native API: {@code POST {base}/api/chat}, answered as one JSON object or, for streams,
 * as NDJSON. Ollama needs no key; one that is configured (e.g. for a proxy in front of Ollama) goes in a bearer header.
 */
public final class OllamaProvider extends HttpProvider {

    private final String chatUrl;
    private final Map<String, String> jsonHeaders;
    private final Map<String, String> streamHeaders;

    public OllamaProvider(ProviderSettings settings, String baseUrl, UpstreamHttp http) {
        super(settings, http);
        this.chatUrl = trimmed(baseUrl) + "/api/chat";
        this.jsonHeaders = headers("application/json", bearer(settings));
        this.streamHeaders = headers("application/x-ndjson", bearer(settings));
    }

    /** The URL chat requests go to. */
    public String chatUrl() {
        return chatUrl;
    }

    @Override
    public WireFormat format() {
        return WireFormat.OLLAMA;
    }

    @Override
    public Uni<UpstreamReply> chat(ChatCall call) {
        return Uni.createFrom().deferred(() -> http.post(chatUrl, traced(jsonHeaders, call),
                call.body(), OllamaErrors::message));
    }

    @Override
    public Uni<UpstreamStream> chatStream(ChatCall call) {
        return Uni.createFrom().deferred(() -> http.postStream(chatUrl, traced(streamHeaders, call),
                call.body(), OllamaErrors::message));
    }
}
