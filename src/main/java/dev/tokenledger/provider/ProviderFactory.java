package dev.tokenledger.provider;

/**
 * Creates providers of one type. Factories are CDI beans extending {@link HttpProviderFactory}; the registry finds
 * them by the type name they declare and validates each provider's configuration against the declaration (base URL,
 * options, price provider) before calling {@link #create}. Adding a provider type is one package with a factory, and
 * nothing else changes.
 */
public sealed interface ProviderFactory permits HttpProviderFactory {

    /** The type this factory creates: its name, defaults and options. */
    ProviderType type();

    /**
     * Creates one provider.
     *
     * @param settings validated settings: the base URL, price provider and declared option defaults already resolved
     */
    Provider create(ProviderSettings settings);
}
