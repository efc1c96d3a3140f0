package dev.tokenledger.provider;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;

import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.config.ProviderConfig;

/**
 * The providers of this gateway, built once at start-up from configuration. With no provider configured, one is
 * created from the usual environment variables of each provider type that has them ({@code OPENAI_API_KEY},
 * {@code OPENAI_BASE_URL}). The factories are the CDI beans of {@link ProviderFactory}, found by the type they
 * declare; each provider's configuration is checked against that declaration ({@link ProviderTypes}), so invalid
 * configuration fails start-up with the property at fault and the valid choices.
 */
@Startup
@ApplicationScoped
public class ProviderRegistry {

    /** The provider id and type created from {@code OPENAI_API_KEY} / {@code OPENAI_BASE_URL}. */
    private static final String FROM_ENVIRONMENT = "openai";

    private final Map<String, Provider> providers = new LinkedHashMap<>();
    private final Map<String, ProviderSettings> settings = new LinkedHashMap<>();
    private final ProviderTypes types;
    private final Optional<String> defaultProvider;

    @Inject
    public ProviderRegistry(GatewayConfig config, @Any Instance<ProviderFactory> factoryBeans, Config rawConfig) {
        this(config, (Iterable<ProviderFactory>) factoryBeans, rawConfig);
    }

    /**
     * @param factoryBeans every available provider factory
     * @param rawConfig the configuration, for provider-specific environment variables
     */
    public ProviderRegistry(GatewayConfig config, Iterable<ProviderFactory> factoryBeans, Config rawConfig) {
        ProviderTypes types = new ProviderTypes(factoryBeans);
        this.types = types;
        for (Map.Entry<String, ProviderConfig> entry : new TreeMap<>(config.providers()).entrySet()) {
            String id = entry.getKey();
            ProviderConfig p = entry.getValue();
            ProviderSettings s = new ProviderSettings(id, p.type(), p.baseUrl(), p.apiKey(), p.headers(), p.timeout(),
                    p.connectTimeout(), p.maxConnections(), p.priceProvider(), p.options());
            settings.put(id, s);
            providers.put(id, types.create(s));
        }
        Optional<String> fromEnvironment = providers.isEmpty()
                ? createFromEnvironment(types, rawConfig)
                : Optional.empty();
        this.defaultProvider = config.defaultProvider().or(() -> fromEnvironment);
        defaultProvider.ifPresent(id -> {
            if (!providers.containsKey(id)) {
                throw new IllegalStateException("tokenledger.default-provider: unknown provider '" + id
                        + "'; configured providers: " + new TreeSet<>(providers.keySet()));
            }
        });
        if (providers.isEmpty()) {
            Log.warn("No provider is configured: set tokenledger.providers or OPENAI_API_KEY / OPENAI_BASE_URL");
        }
    }

    private Optional<String> createFromEnvironment(ProviderTypes types, Config rawConfig) {
        Optional<String> key = rawConfig.getOptionalValue("OPENAI_API_KEY", String.class);
        Optional<String> baseUrl = rawConfig.getOptionalValue("OPENAI_BASE_URL", String.class);
        if (key.isEmpty() && baseUrl.isEmpty()) {
            return Optional.empty();
        }
        ProviderSettings settings = new ProviderSettings(FROM_ENVIRONMENT, FROM_ENVIRONMENT, baseUrl, key, Map.of(),
                Duration.ofSeconds(60), Duration.ofSeconds(10), 256, Optional.empty());
        this.settings.put(FROM_ENVIRONMENT, settings);
        providers.put(FROM_ENVIRONMENT, types.create(settings));
        Log.infof("Provider '%s' created from environment variables (base URL %s)", FROM_ENVIRONMENT,
                baseUrl.or(() -> types.find(FROM_ENVIRONMENT).flatMap(f -> f.type().defaultBaseUrl())).orElse("?"));
        return Optional.of(FROM_ENVIRONMENT);
    }

    public Optional<Provider> find(String id) {
        return Optional.ofNullable(providers.get(id));
    }

    public Collection<Provider> all() {
        return providers.values();
    }

    /** Whether a provider has an API key of its own in the configuration. */
    public boolean hasConfiguredKey(String id) {
        ProviderSettings s = settings.get(id);
        return s != null && s.apiKey().isPresent();
    }

    /**
     * Another instance of a configured provider that authenticates with other credentials: the same type, base URL and
     * options, the given API key in place of the configured one, and extra headers over the configured ones. It has its
     * own connection pool ({@link HttpProvider#close()} releases it).
     */
    public Optional<Provider> withCredentials(String id, String apiKey, Map<String, String> extraHeaders) {
        return withCredentials(id, apiKey, extraHeaders, Optional.empty());
    }

    /**
     * Like {@link #withCredentials(String, String, Map)}, at another base URL when one is given (the API base a
     * token's issuer named for it).
     */
    public Optional<Provider> withCredentials(String id, String apiKey, Map<String, String> extraHeaders,
            Optional<String> baseUrl) {
        return withCredentials(id, apiKey, extraHeaders, baseUrl, Map.of());
    }

    /**
     * Like {@link #withCredentials(String, String, Map, Optional)}, with provider options the credential sets for itself
     * over the configured ones (only options its type declares; others are ignored).
     */
    public Optional<Provider> withCredentials(String id, String apiKey, Map<String, String> extraHeaders,
            Optional<String> baseUrl, Map<String, String> options) {
        return credentialSettings(id, apiKey, extraHeaders, baseUrl, options).map(types::create);
    }

    /** The settings of a provider instance sent with other credentials (before the type's defaults apply). */
    private Optional<ProviderSettings> credentialSettings(String id, String apiKey, Map<String, String> extraHeaders,
            Optional<String> baseUrl, Map<String, String> ownOptions) {
        ProviderSettings s = settings.get(id);
        if (s == null) {
            return Optional.empty();
        }
        Map<String, String> headers = new LinkedHashMap<>(s.headers());
        headers.putAll(extraHeaders);
        Map<String, String> options = new LinkedHashMap<>(s.options());
        types.find(s.type()).ifPresent(factory -> ownOptions.forEach((name, value) -> {
            if (factory.type().option(name).isPresent() && value != null) {
                options.put(name, value);
            }
        }));
        return Optional.of(new ProviderSettings(s.id(), s.type(), baseUrl.or(s::baseUrl), Optional.ofNullable(apiKey),
                headers, s.timeout(), s.connectTimeout(), s.maxConnections(), s.priceProvider(), options));
    }

    /** A provider's settings with its type's defaults applied, and the given extra headers over its own. */
    public Optional<ProviderSettings> resolved(String id, Map<String, String> extraHeaders) {
        return resolved(id, extraHeaders, Map.of());
    }

    /**
     * A provider's settings with its type's defaults applied, the given extra headers over its own and the given
     * options over its configured ones (only options its type declares).
     */
    public Optional<ProviderSettings> resolved(String id, Map<String, String> extraHeaders,
            Map<String, String> options) {
        return credentialSettings(id, null, extraHeaders, Optional.empty(), options).map(types::resolve);
    }

    /** The factory of a configured provider's type. */
    public Optional<ProviderFactory> factory(String id) {
        ProviderSettings s = settings.get(id);
        return s == null ? Optional.empty() : types.find(s.type());
    }

    /** The provider that serves plain model names that are not aliases, if any. */
    public Optional<Provider> defaultProvider() {
        return defaultProvider.map(providers::get);
    }
}
