package dev.tokenledger.credentials;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.provider.LoginCapable;
import dev.tokenledger.provider.ProviderRegistry;
import dev.tokenledger.provider.ProviderSettings;

/**
 * Device fingerprints: the stable client identity of one credential. Its ids ({@code machine-id}, {@code session-id})
 * are generated once when the credential is stored and kept, sealed, with it; every request with the credential sends
 * the same headers, made from its provider type's templates (declared by the type, overridden per type in
 * {@code tokenledger.credentials.fingerprints}). Nothing is randomised per request, and no two credentials share ids.
 */
@ApplicationScoped
public class Fingerprints {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z0-9:-]+)}");

    private final GatewayConfig config;
    private final ProviderRegistry registry;

    @Inject
    public Fingerprints(GatewayConfig config, ProviderRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    /** New ids for a credential: a 64-hex machine id and a session id (a UUID and the creation time in ms). */
    public static Map<String, String> newIdentity() {
        byte[] machine = new byte[32];
        // one generator per identity, made at run time: a static one would be built into the native image's heap with
        // the seed of the build (the native build refuses it)
        new SecureRandom().nextBytes(machine);
        return Map.of("machine-id", HexFormat.of().formatHex(machine), "session-id",
                UUID.randomUUID() + String.valueOf(System.currentTimeMillis()));
    }

    /** The templates of a provider's type: the type's own, then the configuration's (an empty one removes a header). */
    Map<String, String> templates(String providerId) {
        Map<String, String> templates = new LinkedHashMap<>();
        registry.factory(providerId).filter(LoginCapable.class::isInstance)
                .ifPresent(f -> templates.putAll(((LoginCapable) f).fingerprint()));
        registry.factory(providerId).map(f -> config.credentials().fingerprints().get(f.type().name()))
                .ifPresent(c -> c.headers().forEach((name, template) -> {
                    if (template == null || template.isBlank()) {
                        templates.remove(name);
                    } else {
                        templates.put(name, template);
                    }
                }));
        return templates;
    }

    /** The fingerprint headers of a credential of a provider; a header whose placeholder has no value is left out. */
    public Map<String, String> headers(String providerId, Map<String, String> identity) {
        Map<String, String> templates = templates(providerId);
        if (templates.isEmpty()) {
            return Map.of();
        }
        Optional<ProviderSettings> settings = registry.resolved(providerId, Map.of());
        Map<String, String> out = new LinkedHashMap<>();
        templates.forEach((name, template) -> {
            String value = fill(template, identity, settings);
            if (value != null) {
                out.put(name, value);
            }
        });
        return out;
    }

    private static String fill(String template, Map<String, String> identity, Optional<ProviderSettings> settings) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = name.startsWith("option:")
                    ? settings.flatMap(s -> s.option(name.substring("option:".length()))).orElse(null)
                    : identity.get(name);
            if (value == null) {
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
