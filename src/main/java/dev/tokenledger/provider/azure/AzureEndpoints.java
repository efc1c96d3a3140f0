package dev.tokenledger.provider.azure;

import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.openai.OpenAiProvider;

/**
 * Azure OpenAI's URLs and credentials. Classic API: {@code {base}/openai/deployments/{deployment}/chat/completions
 * ?api-version={version}}, the deployment in the path. v1 API ({@code api-version: v1}):
 * {@code {base}/openai/v1/chat/completions}, the deployment as the body's {@code model}. The key goes in an
 * {@code api-key} header, or as a bearer token with {@code auth: bearer}.
 */
final class AzureEndpoints implements OpenAiProvider.Endpoints {

    static final String API_VERSION = "api-version";
    static final String AUTH = "auth";
    /** The newest GA version of the classic data-plane API known to this gateway. */
    static final String DEFAULT_API_VERSION = "2024-10-21";
    static final String V1 = "v1";
    static final String API_KEY = "api-key";
    static final String BEARER = "bearer";

    /** Azure deployment names: letters, digits, '-', '_' and '.'; anything else could escape the URL path. */
    private static final Pattern DEPLOYMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    private static final Pattern VERSION = Pattern.compile("v1|\\d{4}-\\d{2}-\\d{2}(-preview)?");

    private final String base;
    private final String apiVersion;
    private final Map<String, String> credentials;

    private AzureEndpoints(String base, String apiVersion, Map<String, String> credentials) {
        this.base = base;
        this.apiVersion = apiVersion;
        this.credentials = credentials;
    }

    static AzureEndpoints of(String baseUrl, ProviderSettings settings) {
        String prefix = "tokenledger.providers." + settings.id() + ".options.";
        String version = settings.option(API_VERSION).orElse(DEFAULT_API_VERSION);
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalStateException(prefix + API_VERSION + ": '" + version
                    + "' is not an Azure OpenAI API version (YYYY-MM-DD, YYYY-MM-DD-preview or v1)");
        }
        String auth = settings.option(AUTH).orElse(API_KEY);
        if (!auth.equals(API_KEY) && !auth.equals(BEARER)) {
            throw new IllegalStateException(prefix + AUTH + ": '" + auth + "'; valid values: [" + API_KEY + ", " + BEARER
                    + "]");
        }
        Map<String, String> credentials = settings.apiKey()
                .map(key -> auth.equals(BEARER) ? Map.of("Authorization", "Bearer " + key) : Map.of("api-key", key))
                .orElse(Map.of());
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return new AzureEndpoints(base, version, credentials);
    }

    @Override
    public String chatUrl(String upstreamModel) {
        return url(upstreamModel, "chat/completions");
    }

    @Override
    public String embeddingsUrl(Supplier<String> upstreamModel) {
        return url(apiVersion.equals(V1) ? null : upstreamModel.get(), "embeddings");
    }

    private String url(String deployment, String operation) {
        if (apiVersion.equals(V1)) {
            return base + "/openai/v1/" + operation;
        }
        if (deployment == null || !DEPLOYMENT.matcher(deployment).matches()) {
            throw GatewayError.invalid("model", "'" + deployment + "' is not an Azure OpenAI deployment name: use "
                    + "letters, digits, '-', '_' and '.'.");
        }
        return base + "/openai/deployments/" + deployment + "/" + operation + "?api-version=" + apiVersion;
    }

    @Override
    public Map<String, String> credentials() {
        return credentials;
    }
}
