package dev.tokenledger.provider;

import java.util.Optional;

/**
 * One option a provider type declares under {@code tokenledger.providers.<id>.options}.
 *
 * @param name the option's name in configuration, in kebab case
 * @param defaultValue the value when the configuration sets none; empty when the option is simply absent then
 * @param meaning what the option does, for the error messages and the documentation
 */
public record ProviderOption(String name, Optional<String> defaultValue, String meaning) {

    /** An option with a default. */
    public static ProviderOption of(String name, String defaultValue, String meaning) {
        return new ProviderOption(name, Optional.of(defaultValue), meaning);
    }

    /** An option without a default: absent unless configured. */
    public static ProviderOption optional(String name, String meaning) {
        return new ProviderOption(name, Optional.empty(), meaning);
    }
}
