package dev.tokenledger.provider;

import java.util.List;
import java.util.Optional;

/**
 * What a provider factory declares about its type; the registry validates configuration against it at start-up.
 *
 * @param name the type name used in configuration ({@code tokenledger.providers.<id>.type})
 * @param defaultBaseUrl the base URL when the configuration names none; empty when every provider of the type must
 *        name its own
 * @param defaultPriceProvider the catalogue provider whose prices apply unless the configuration sets
 *        {@code price-provider}
 * @param options the type's own options; any other option fails start-up
 */
public record ProviderType(String name, Optional<String> defaultBaseUrl, String defaultPriceProvider,
        List<ProviderOption> options) {

    public ProviderType {
        options = List.copyOf(options);
    }

    /** A type with a default base URL. */
    public static ProviderType of(String name, String defaultBaseUrl, String defaultPriceProvider,
            ProviderOption... options) {
        return new ProviderType(name, Optional.of(defaultBaseUrl), defaultPriceProvider, List.of(options));
    }

    /** A type whose providers must each name their base URL (e.g. one endpoint per cloud resource). */
    public static ProviderType baseUrlRequired(String name, String defaultPriceProvider, ProviderOption... options) {
        return new ProviderType(name, Optional.empty(), defaultPriceProvider, List.of(options));
    }

    /** The declared option of that name, if any. */
    public Optional<ProviderOption> option(String optionName) {
        return options.stream().filter(o -> o.name().equals(optionName)).findFirst();
    }
}
