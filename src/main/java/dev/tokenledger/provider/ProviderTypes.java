package dev.tokenledger.provider;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The provider types the factories declare, and the check of one provider's configuration against its type's
 * declaration. Every failure names the property at fault and the valid choices.
 */
public final class ProviderTypes {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private final SortedMap<String, ProviderFactory> factories = new TreeMap<>();

    /**
     * @param factories every available factory
     * @throws IllegalStateException when a declaration is invalid or two factories declare one type
     */
    public ProviderTypes(Iterable<ProviderFactory> factories) {
        for (ProviderFactory factory : factories) {
            ProviderType type = check(factory);
            ProviderFactory other = this.factories.putIfAbsent(type.name(), factory);
            if (other != null) {
                throw new IllegalStateException("provider type '" + type.name() + "' is declared twice, by "
                        + other.getClass().getName() + " and " + factory.getClass().getName());
            }
        }
    }

    private static ProviderType check(ProviderFactory factory) {
        ProviderType type = factory.type();
        String by = " (declared by " + factory.getClass().getName() + ")";
        if (type == null || type.name() == null || !NAME.matcher(type.name()).matches()) {
            throw new IllegalStateException("provider type name '" + (type == null ? null : type.name())
                    + "' must be lower-case words joined by '-'" + by);
        }
        if (type.defaultPriceProvider() == null || type.defaultPriceProvider().isBlank()) {
            throw new IllegalStateException("provider type '" + type.name() + "' declares no default price provider" + by);
        }
        if (type.defaultBaseUrl().filter(String::isBlank).isPresent()) {
            throw new IllegalStateException("provider type '" + type.name() + "' declares a blank default base URL" + by);
        }
        Set<String> seen = new HashSet<>();
        for (ProviderOption option : type.options()) {
            if (option.name() == null || !NAME.matcher(option.name()).matches()) {
                throw new IllegalStateException("provider type '" + type.name() + "' declares option '" + option.name()
                        + "': option names are lower-case words joined by '-'" + by);
            }
            if (!seen.add(option.name())) {
                throw new IllegalStateException("provider type '" + type.name() + "' declares option '" + option.name()
                        + "' twice" + by);
            }
        }
        return type;
    }

    /** The declared type names, sorted. */
    public Set<String> names() {
        return Collections.unmodifiableSet(factories.keySet());
    }

    /** The factory of a type, if declared. */
    public Optional<ProviderFactory> find(String type) {
        return Optional.ofNullable(factories.get(type));
    }

    /**
     * Checks one provider's configuration against its type and creates the provider.
     *
     * @param configured the settings as configured: no defaults applied
     * @throws IllegalStateException naming the property at fault and the valid choices
     */
    public Provider create(ProviderSettings configured) {
        ProviderSettings settings = resolve(configured); // refuses an unknown type, naming the valid ones
        return factories.get(settings.type()).create(settings);
    }

    /**
     * Checks one provider's configuration against its type: the settings with the type's defaults applied.
     *
     * @throws IllegalStateException naming the property at fault and the valid choices
     */
    public ProviderSettings resolve(ProviderSettings configured) {
        String prefix = "tokenledger.providers." + configured.id() + ".";
        ProviderFactory factory = find(configured.type()).orElseThrow(() -> new IllegalStateException(prefix
                + "type: unknown provider type '" + configured.type() + "'; valid types: " + names()));
        ProviderType type = factory.type();
        if (configured.baseUrl().isEmpty() && type.defaultBaseUrl().isEmpty()) {
            throw new IllegalStateException(prefix + "base-url: required for type '" + type.name() + "'");
        }
        if (configured.priceProvider().filter(String::isBlank).isPresent()) {
            throw new IllegalStateException(prefix + "price-provider: must name a catalogue provider; by default "
                    + "type '" + type.name() + "' is priced as '" + type.defaultPriceProvider() + "'");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (ProviderOption option : type.options()) {
            option.defaultValue().ifPresent(value -> options.put(option.name(), value));
        }
        for (Map.Entry<String, String> option : new TreeMap<>(configured.options()).entrySet()) {
            if (type.option(option.getKey()).isEmpty()) {
                Set<String> valid = new TreeSet<>();
                type.options().forEach(o -> valid.add(o.name()));
                throw new IllegalStateException(prefix + "options." + option.getKey() + ": unknown option for type '"
                        + type.name() + "'; valid options: " + valid);
            }
            options.put(option.getKey(), option.getValue());
        }
        for (ProviderOption option : type.options()) {
            String value = options.get(option.name());
            if (value == null && option.required()) {
                throw new IllegalStateException(prefix + "options." + option.name() + ": required for type '"
                        + type.name() + "' (" + option.meaning() + ")");
            }
            if (value != null && option.valid() != null && !option.valid().matcher(value).matches()) {
                throw new IllegalStateException(prefix + "options." + option.name() + ": invalid value '"
                        + bounded(value) + "' for type '" + type.name() + "' (" + option.meaning() + ")");
            }
        }
        return new ProviderSettings(configured.id(), type.name(), configured.baseUrl(),
                configured.apiKey(), configured.headers(), configured.timeout(), configured.connectTimeout(),
                configured.maxConnections(), configured.priceProvider().or(() -> Optional.of(type.defaultPriceProvider())),
                options);
    }

    private static String bounded(String value) {
        return value.length() > 60 ? value.substring(0, 60) + "…" : value;
    }
}
