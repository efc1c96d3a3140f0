package dev.tokenledger.provider;

/**
 * Creates providers of one type. Factories are CDI beans; the registry finds them by {@link #type()}, so adding a
 * provider type is one package with a factory, and nothing else changes.
 */
public interface ProviderFactory {

    /** The type name used in configuration. */
    String type();

    /** The base URL used when the configuration names none, or null when the type requires one. */
    String defaultBaseUrl();

    Provider create(ProviderSettings settings);
}
