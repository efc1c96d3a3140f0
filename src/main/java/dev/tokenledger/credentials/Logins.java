package dev.tokenledger.credentials;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.provider.LoginCapable;

/**
 * Logins started from the admin API, whose result is stored, encrypted, as a new member of the provider's pool: the
 * device flow ({@link DeviceLogins}) or the browser flow ({@link BrowserLogins}), their state in Redis
 * ({@link LoginState}), the stored outcome ({@link LoginCompletion}).
 */
@ApplicationScoped
public class Logins {

    private final LoginProviders providers;
    private final LoginState state;
    private final DeviceLogins device;
    private final BrowserLogins browser;
    private final CredentialPools pools;

    @Inject
    public Logins(LoginProviders providers, LoginState state, DeviceLogins device, BrowserLogins browser,
            CredentialPools pools) {
        this.providers = providers;
        this.state = state;
        this.device = device;
        this.browser = browser;
        this.pools = pools;
    }

    /**
     * Starts a login for a configured provider whose type offers logins.
     *
     * @param flow {@code device} or {@code browser}; by default the device flow when the type offers it
     * @param baseUrl the base URL the admin called, for the browser flow's redirect URI
     * @param options provider options this login sets for itself (those its type lets a login set)
     */
    public Uni<LoginState.LoginView> start(String provider, String label, String flow, String baseUrl,
            Map<String, String> options) {
        LoginCapable.LoginSpec spec = providers.spec(provider, options);
        if (!pools.keys().configured()) {
            throw GatewayError.of(ErrorKind.CONFLICT, "Logins cannot store their credential: no key-encryption key is "
                    + "configured (tokenledger.credentials.kek or tokenledger.credentials.keks with active-kek).");
        }
        String chosen = flow != null ? flow : spec.deviceAuthorizationUrl().isPresent() ? "device" : "browser";
        return switch (chosen) {
            case "device" -> {
                if (spec.deviceAuthorizationUrl().isEmpty()) {
                    throw GatewayError.invalid("flow", "Provider '" + provider + "' offers no device login.");
                }
                yield device.start(provider, label, spec, options);
            }
            case "browser" -> {
                if (!options.isEmpty()) {
                    throw GatewayError.invalid("options", "Only device logins take options.");
                }
                if (spec.authorizeUrl().isEmpty()) {
                    throw GatewayError.invalid("flow", "Provider '" + provider + "' offers no browser login"
                            + " (its type needs an OAuth client secret for it).");
                }
                yield browser.start(provider, label, spec, baseUrl);
            }
            default -> throw GatewayError.invalid("flow", "Unknown flow '" + OAuthErrors.bounded(chosen)
                    + "'; valid flows: [device, browser].");
        };
    }

    /** A provider id as given, or the one configured provider of a type given instead. */
    public String providerOf(String idOrType) {
        return providers.providerOf(idOrType);
    }

    /** A login's state; 404 when none has the id (or it ended longer than {@code keep-result} ago). */
    public Uni<LoginState.LoginView> status(String id) {
        return state.load(id).flatMap(login -> {
            if (login.isEmpty()) {
                return Uni.createFrom().failure(GatewayError.of(ErrorKind.NOT_FOUND, "Login "
                        + OAuthErrors.bounded(id) + " not found."));
            }
            if (LoginState.Status.PENDING.id().equals(login.get("status"))
                    && System.currentTimeMillis() >= Long.parseLong(login.get("expiresAt"))) {
                return state.end(id, login, LoginState.Status.EXPIRED, "The login expired before the user finished it.",
                        null).map(ended -> LoginState.view(id, ended));
            }
            return Uni.createFrom().item(LoginState.view(id, login));
        });
    }

    /** The browser's return: see {@link BrowserLogins#callback}. */
    public Uni<LoginState.LoginView> callback(String code, String state, String error) {
        return browser.callback(code, state, error);
    }
}
