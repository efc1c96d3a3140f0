package dev.tokenledger.provider.anthropic;

import java.util.LinkedHashMap;
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
import dev.tokenledger.wire.anthropic.AnthropicErrors;
import dev.tokenledger.wire.anthropic.AnthropicRateLimits;
import dev.tokenledger.wire.anthropic.AnthropicRequests;
import dev.tokenledger.wire.anthropic.AnthropicTokenCounts;

/**
 * Anthropic's Messages API, or any server that speaks it (LM Studio, DeepSeek's and Moonshot's Anthropic endpoints,
 * proxies): {@code <base>/v1/messages} and {@code <base>/v1/messages/count_tokens}, the key in {@code x-api-key},
 * {@code anthropic-version: 2023-06-01}, and the configured extra headers (e.g. {@code anthropic-beta}), which may
 * also replace the defaults.
 */
public final class AnthropicProvider extends HttpProvider implements TokenCountCapable {

    public static final String VERSION = "2023-06-01";
    private static final String BETA = "anthropic-beta";

    private final String messagesUrl;
    private final String countUrl;
    private final Map<String, String> jsonHeaders;
    private final Map<String, String> streamHeaders;

    public AnthropicProvider(ProviderSettings settings, String baseUrl, UpstreamHttp http) {
        super(settings, http);
        String base = trimmed(baseUrl);
        this.messagesUrl = base + "/v1/messages";
        this.countUrl = base + "/v1/messages/count_tokens";
        this.jsonHeaders = headers("application/json");
        this.streamHeaders = headers("text/event-stream");
    }

    private Map<String, String> headers(String accept) {
        Map<String, String> credentials = new LinkedHashMap<>();
        credentials.put("anthropic-version", VERSION);
        settings.apiKey().ifPresent(key -> credentials.put("x-api-key", key));
        return headers(accept, credentials);
    }

    @Override
    public WireFormat format() {
        return WireFormat.ANTHROPIC;
    }

    /**
     * The headers for one call: the client's {@code anthropic-beta} features, if any, join the configured ones.
     */
    private static Map<String, String> withBeta(Map<String, String> headers, ChatCall call) {
        String beta = AnthropicRequests.beta(call.request());
        if (beta == null || beta.isBlank()) {
            return headers;
        }
        Map<String, String> merged = new LinkedHashMap<>();
        java.util.Set<String> features = new java.util.LinkedHashSet<>();
        headers.forEach((name, value) -> {
            if (name.equalsIgnoreCase(BETA)) {
                addFeatures(value, features);
            } else {
                merged.put(name, value);
            }
        });
        addFeatures(beta, features);
        merged.put(BETA, String.join(",", features));
        return merged;
    }

    private static void addFeatures(String list, java.util.Set<String> features) {
        for (String feature : list.split(",")) {
            if (!feature.isBlank()) {
                features.add(feature.trim());
            }
        }
    }

    @Override
    public Uni<UpstreamReply> chat(ChatCall call) {
        return http.post(messagesUrl, traced(withBeta(jsonHeaders, call), call),
                call.body(),
                AnthropicErrors::message, AnthropicRateLimits.READER);
    }

    @Override
    public Uni<UpstreamStream> chatStream(ChatCall call) {
        return http.postStream(messagesUrl, traced(withBeta(streamHeaders, call), call),
                call.body(),
                AnthropicErrors::message, AnthropicRateLimits.READER);
    }

    @Override
    public Uni<Long> countTokens(ChatCall call) {
        return http
                .post(countUrl, withBeta(jsonHeaders, call), AnthropicTokenCounts.toWire(call.request(), call.upstreamModel()),
                        AnthropicErrors::message)
                .map(reply -> AnthropicTokenCounts.inputTokens(reply.body()));
    }
}
