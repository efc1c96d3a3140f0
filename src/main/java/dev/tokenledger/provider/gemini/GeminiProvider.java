package dev.tokenledger.provider.gemini;

import java.util.Map;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.HttpProvider;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.TokenCountCapable;
import dev.tokenledger.provider.UpstreamHttp;
import dev.tokenledger.provider.UpstreamReply;
import dev.tokenledger.provider.UpstreamStream;
import dev.tokenledger.wire.gemini.GeminiErrors;
import dev.tokenledger.wire.gemini.GeminiTokenCounts;

/**
 * The Gemini API (Google AI Studio keys): {@code models/{model}:generateContent}, {@code :streamGenerateContent?alt=sse}
 * and {@code :countTokens}, the key in {@code x-goog-api-key}.
 */
public final class GeminiProvider extends HttpProvider implements TokenCountCapable {

    private final String base;
    private final Map<String, String> jsonHeaders;
    private final Map<String, String> streamHeaders;

    public GeminiProvider(ProviderSettings settings, String baseUrl, UpstreamHttp http) {
        super(settings, http);
        this.base = trimmed(baseUrl);
        this.jsonHeaders = headers("application/json");
        this.streamHeaders = headers("text/event-stream");
    }

    private Map<String, String> headers(String accept) {
        return headers(accept, settings.apiKey().map(key -> Map.of("x-goog-api-key", key)).orElse(Map.of()));
    }

    /**
     * The URL of one method of a model; a {@code models/} prefix in the configured model name is accepted. The model
     * is one path segment, percent-encoded: whatever a client names ({@code ../}, {@code ?}, {@code #}, {@code :})
     * stays inside it and cannot reach another path or query of the provider's host with the configured key.
     */
    String url(String model, String method) {
        String name = model.startsWith("models/") ? model.substring(7) : model;
        return base + "/models/" + segment(name) + ":" + method;
    }

    /** Percent-encodes all but RFC 3986's unreserved characters (UTF-8). */
    public static String segment(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 8);
        for (byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }

    @Override
    public WireFormat format() {
        return WireFormat.GEMINI;
    }

    @Override
    public Uni<UpstreamReply> chat(ChatCall call) {
        return http.post(url(call.upstreamModel(), "generateContent"), traced(jsonHeaders, call),
                call.body(), GeminiErrors::message);
    }

    @Override
    public Uni<UpstreamStream> chatStream(ChatCall call) {
        return http.postStream(url(call.upstreamModel(), "streamGenerateContent?alt=sse"), traced(streamHeaders, call),
                call.body(), GeminiErrors::message);
    }

    @Override
    public Uni<Long> countTokens(ChatCall call) {
        return http.post(url(call.upstreamModel(), "countTokens"), jsonHeaders,
                GeminiTokenCounts.toWire(call.request(), call.upstreamModel()), GeminiErrors::message)
                .map(reply -> GeminiTokenCounts.totalTokens(reply.body()));
    }
}
