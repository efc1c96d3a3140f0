package dev.tokenledger.provider.vertex;

import java.util.LinkedHashMap;
import java.util.Map;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.HttpProvider;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.ProviderView;
import dev.tokenledger.provider.UpstreamHttp;
import dev.tokenledger.provider.UpstreamReply;
import dev.tokenledger.provider.UpstreamStream;
import dev.tokenledger.provider.gemini.GeminiProvider;
import dev.tokenledger.wire.anthropic.AnthropicErrors;
import dev.tokenledger.wire.anthropic.AnthropicOnVertex;
import dev.tokenledger.wire.anthropic.AnthropicRateLimits;
import dev.tokenledger.wire.anthropic.AnthropicRequests;
import dev.tokenledger.wire.gemini.GeminiErrors;

/**
 * Google Vertex AI: {@code {base}/v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{model}:{method}}
 * with an OAuth access token as bearer (a service-account credential's, refreshed by the credential store). A model is
 * served by one of two publishers, chosen by its name ({@link #forModel}): Google's Gemini models through
 * {@code generateContent} / {@code streamGenerateContent?alt=sse} in the Gemini format, priced under the provider's
 * price provider ({@code google}), and Anthropic's Claude models ({@code claude-…}) through {@code rawPredict} /
 * {@code streamRawPredict} in the Anthropic format (no {@code model} in the body, {@code anthropic_version} in it),
 * priced under {@code anthropic-price-provider} ({@code anthropic}).
 */
public final class VertexProvider extends HttpProvider {

    private final String publishers;
    private final Map<String, String> jsonHeaders;
    private final Map<String, String> streamHeaders;
    private final String anthropicVersion;
    private final Provider gemini;
    private final Provider claude;

    /**
     * @param base the scheme and host the location is served at (or a configured base URL)
     */
    public VertexProvider(ProviderSettings settings, String base, UpstreamHttp http) {
        super(settings, http);
        this.publishers = trimmed(base) + "/v1/projects/" + option(VertexProviderFactory.PROJECT) + "/locations/"
                + option(VertexProviderFactory.LOCATION) + "/publishers/";
        this.jsonHeaders = headers("application/json", bearer(settings));
        this.streamHeaders = headers("text/event-stream", bearer(settings));
        this.anthropicVersion = option(VertexProviderFactory.ANTHROPIC_VERSION);
        this.gemini = new Publisher("google", WireFormat.GEMINI, priceProvider());
        this.claude = new Publisher("anthropic", WireFormat.ANTHROPIC,
                option(VertexProviderFactory.ANTHROPIC_PRICE_PROVIDER));
    }

    private String option(String name) {
        return settings.option(name).orElseThrow();
    }

    /** Claude models ({@code claude-…}) are Anthropic's on Vertex; every other model is Google's. */
    static boolean isClaude(String model) {
        return model != null && model.startsWith("claude");
    }

    /**
     * The URL of one method of a publisher's model; the model is one percent-encoded path segment, its {@code @} (a
     * Claude version, {@code claude-sonnet-4-5@20250929}) left as Google's and Anthropic's clients send it.
     */
    String url(String publisher, String model, String method) {
        return publishers + publisher + "/models/" + GeminiProvider.segment(model).replace("%40", "@") + ":" + method;
    }

    @Override
    public Provider forModel(String upstreamModel) {
        return isClaude(upstreamModel) ? claude : gemini;
    }

    /** The format of the Gemini models; a Claude model is bound to its own view by {@link #forModel}. */
    @Override
    public WireFormat format() {
        return WireFormat.GEMINI;
    }

    @Override
    public Uni<UpstreamReply> chat(ChatCall call) {
        return forModel(call.upstreamModel()).chat(call);
    }

    @Override
    public Uni<UpstreamStream> chatStream(ChatCall call) {
        return forModel(call.upstreamModel()).chatStream(call);
    }

    /** The provider as it serves the models of one publisher: that publisher's format, paths and price provider. */
    private final class Publisher implements ProviderView {

        private final String name;
        private final WireFormat format;
        private final String priceProvider;

        Publisher(String name, WireFormat format, String priceProvider) {
            this.name = name;
            this.format = format;
            this.priceProvider = priceProvider;
        }

        @Override
        public Provider provider() {
            return VertexProvider.this;
        }

        @Override
        public String priceProvider() {
            return priceProvider;
        }

        @Override
        public WireFormat format() {
            return format;
        }

        @Override
        public Uni<UpstreamReply> chat(ChatCall call) {
            if (format == WireFormat.GEMINI) {
                return Uni.createFrom().deferred(() -> http.post(url(name, call.upstreamModel(), "generateContent"),
                        jsonHeaders, call.body(), GeminiErrors::message));
            }
            return Uni.createFrom().deferred(() -> http.post(url(name, call.upstreamModel(), "rawPredict"),
                    withBeta(jsonHeaders, call), AnthropicOnVertex.toVertex(call.body(), anthropicVersion),
                    AnthropicErrors::message, AnthropicRateLimits.READER));
        }

        @Override
        public Uni<UpstreamStream> chatStream(ChatCall call) {
            if (format == WireFormat.GEMINI) {
                return Uni.createFrom().deferred(() -> http.postStream(url(name, call.upstreamModel(),
                        "streamGenerateContent?alt=sse"), streamHeaders, call.body(), GeminiErrors::message));
            }
            return Uni.createFrom().deferred(() -> http.postStream(url(name, call.upstreamModel(), "streamRawPredict"),
                    withBeta(streamHeaders, call), AnthropicOnVertex.toVertex(call.body(), anthropicVersion),
                    AnthropicErrors::message, AnthropicRateLimits.READER));
        }

        @Override
        public String toString() {
            return "VertexProvider[" + id() + ", " + name + "]";
        }
    }

    /** The client's {@code anthropic-beta} features, if any, as the header Vertex takes them in. */
    private static Map<String, String> withBeta(Map<String, String> headers, ChatCall call) {
        String beta = AnthropicRequests.beta(call.request());
        if (beta == null || beta.isBlank()) {
            return headers;
        }
        Map<String, String> out = new LinkedHashMap<>(headers);
        out.merge("anthropic-beta", beta, (configured, client) -> configured + "," + client);
        return out;
    }
}
