package dev.tokenledger.admin;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;

import dev.tokenledger.testing.ConfigOverrides;

/**
 * The gateway with OIDC bearer tokens accepted on the admin API, against the WireMock identity provider of
 * {@code quarkus-test-oidc-server} (started for tests of this profile only). Roles come from {@code groups}, the
 * default of application.yaml.
 */
public class AdminOidcProfile extends ConfigOverrides {

    private static final Map<String, String> OIDC = Map.of(
            "quarkus.oidc.tenant-enabled", "true",
            "quarkus.oidc.auth-server-url", "${keycloak.url}/realms/quarkus/",
            "quarkus.oidc.token.issuer", OidcTokens.ISSUER,
            "quarkus.oidc.token.audience", OidcTokens.AUDIENCE,
            // the identity provider is the WireMock one, not a Keycloak container
            "quarkus.keycloak.devservices.enabled", "false");

    public AdminOidcProfile() {
        super(OIDC);
    }

    /** The same identity provider, with {@code more} options on top. */
    protected AdminOidcProfile(Map<String, String> more) {
        super(withOidc(more));
    }

    private static Map<String, String> withOidc(Map<String, String> more) {
        Map<String, String> config = new HashMap<>(OIDC);
        config.putAll(more);
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OidcWiremockTestResource.class));
    }
}
