package dev.tokenledger.provider;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One option a provider type declares under {@code tokenledger.providers.<id>.options}.
 *
 * @param name the option's name in configuration, in kebab case
 * @param defaultValue the value when the configuration sets none; empty when the option is simply absent then
 * @param meaning what the option does, for the error messages and the documentation
 * @param valid the values the registry accepts (the whole value must match), or null for any value
 * @param required whether start-up fails when the configuration sets no value (an option without a default)
 */
public record ProviderOption(String name, Optional<String> defaultValue, String meaning, Pattern valid,
        boolean required) {

    public ProviderOption(String name, Optional<String> defaultValue, String meaning) {
        this(name, defaultValue, meaning, null, false);
    }

    /** An option with a default. */
    public static ProviderOption of(String name, String defaultValue, String meaning) {
        return new ProviderOption(name, Optional.of(defaultValue), meaning);
    }

    /** An option without a default: absent unless configured. */
    public static ProviderOption optional(String name, String meaning) {
        return new ProviderOption(name, Optional.empty(), meaning);
    }

    /** An option every provider of the type must set. */
    public static ProviderOption required(String name, String meaning) {
        return new ProviderOption(name, Optional.empty(), meaning, null, true);
    }

    /** The same option, accepting only values that match {@code regex} as a whole. */
    public ProviderOption matching(String regex) {
        return new ProviderOption(name, defaultValue, meaning, Pattern.compile(regex), required);
    }
}
