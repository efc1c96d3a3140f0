package dev.tokenledger.provider.vertex;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderOption;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.ProviderType;

/**
 * Type {@code vertex}: Google Vertex AI in one Google Cloud project and location, Gemini models in Google's format and
 * Claude models in Anthropic's ({@link VertexProvider}). Credentials are service-account keys stored through the admin
 * API (exchanged for access tokens by the JWT bearer grant and refreshed before their hour ends), or an access token as
 * {@code api-key}. The host follows the location: {@code aiplatform.googleapis.com} for {@code global},
 * {@code aiplatform.us.rep.googleapis.com} / {@code aiplatform.eu.rep.googleapis.com} for the multi-regions {@code us}
 * and {@code eu}, {@code {location}-aiplatform.googleapis.com} for a region; a configured {@code base-url} replaces it.
 */
@Singleton // not proxied: the base class has no no-args constructor
public class VertexProviderFactory extends HttpProviderFactory {

    static final String PROJECT = "project";
    static final String LOCATION = "location";
    static final String ANTHROPIC_VERSION = "anthropic-version";
    static final String ANTHROPIC_PRICE_PROVIDER = "anthropic-price-provider";

    @Inject
    public VertexProviderFactory(Vertx vertx) {
        super(vertx, ProviderType.of("vertex", "https://aiplatform.googleapis.com", "google",
                ProviderOption.required(PROJECT, "Google Cloud project id whose Vertex AI endpoint is called")
                        .matching("[a-z][a-z0-9-]{4,28}[a-z0-9]|[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9]"),
                ProviderOption.of(LOCATION, "global",
                        "Vertex AI location: global, the multi-regions us and eu, or a region such as us-east5")
                        .matching("global|us|eu|[a-z]+-[a-z]+[0-9]+"),
                ProviderOption.of(ANTHROPIC_VERSION, "vertex-2023-10-16",
                        "anthropic_version sent in the body of Claude models")
                        .matching("[a-z0-9-]{1,40}"),
                ProviderOption.of(ANTHROPIC_PRICE_PROVIDER, "anthropic",
                        "Catalogue provider whose prices apply to Claude models (Gemini models use price-provider)")
                        .matching("[a-z0-9][a-z0-9._-]{0,99}")));
    }

    @Override
    public Provider create(ProviderSettings settings) {
        return new VertexProvider(settings, base(settings), http(settings));
    }

    /** The configured base URL, else the host that serves the location. */
    static String base(ProviderSettings settings) {
        if (settings.baseUrl().isPresent()) {
            return settings.baseUrl().get();
        }
        String location = settings.option(LOCATION).orElse("global");
        return switch (location) {
            case "global" -> "https://aiplatform.googleapis.com";
            case "us", "eu" -> "https://aiplatform." + location + ".rep.googleapis.com";
            default -> "https://" + location + "-aiplatform.googleapis.com";
        };
    }
}
