package dev.tokenledger.credentials;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.provider.LoginCapable;
import dev.tokenledger.provider.ProviderRegistry;

/** Which configured provider a login is for, and where and how its type logs in ({@link LoginCapable}). */
@ApplicationScoped
public class LoginProviders {

    private final ProviderRegistry registry;

    @Inject
    public LoginProviders(ProviderRegistry registry) {
        this.registry = registry;
    }

    /** A provider id as given, or the one configured provider of a type given instead. */
    public String providerOf(String idOrType) {
        if (registry.find(idOrType).isPresent()) {
            return idOrType;
        }
        List<String> ofType = new ArrayList<>();
        registry.all().forEach(p -> {
            if (p.type().equals(idOrType)) {
                ofType.add(p.id());
            }
        });
        if (ofType.size() == 1) {
            return ofType.get(0);
        }
        throw GatewayError.invalid("provider", ofType.isEmpty()
                ? "Unknown provider '" + OAuthErrors.bounded(idOrType) + "'."
                : "Several providers have the type '" + idOrType + "': name one of " + ofType.stream().sorted().toList()
                        + ".");
    }

    /** The login endpoints and client of a configured provider; a 400 when its type has no login. */
    LoginCapable.LoginSpec spec(String provider) {
        return spec(provider, Map.of());
    }

    /**
     * The login endpoints and client of a configured provider for one login that sets some of the provider's options
     * itself; a 400 when its type has no login or the login sets an option its type does not let a login set.
     */
    LoginCapable.LoginSpec spec(String provider, Map<String, String> options) {
        if (registry.find(provider).isEmpty()) {
            throw GatewayError.invalid("provider", "Unknown provider '" + OAuthErrors.bounded(provider) + "'.");
        }
        Optional<LoginCapable> capable = registry.factory(provider).filter(LoginCapable.class::isInstance)
                .map(LoginCapable.class::cast);
        if (capable.isEmpty()) {
            throw GatewayError.invalid("provider", "Provider '" + provider + "' (type '"
                    + registry.find(provider).get().type() + "') has no login; store its key with POST "
                    + "/admin/v1/credentials instead.");
        }
        java.util.Set<String> allowed = capable.get().loginOptions();
        for (String name : options.keySet()) {
            if (!allowed.contains(name)) {
                throw GatewayError.invalid("options", "Option '" + OAuthErrors.bounded(name) + "' cannot be set by a "
                        + "login of provider '" + provider + "'; valid options: " + new java.util.TreeSet<>(allowed)
                        + ".");
            }
        }
        try {
            return capable.get().login(registry.resolved(provider, Map.of(), options).orElseThrow());
        } catch (IllegalStateException e) {
            // an option value its type refuses: the message names the option and what it takes, never a secret
            throw GatewayError.invalid("options", OAuthErrors.bounded(e.getMessage()));
        }
    }
}
