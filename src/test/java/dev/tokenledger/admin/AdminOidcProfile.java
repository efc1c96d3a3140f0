package dev.tokenledger.admin;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * The gateway with OIDC bearer tokens accepted on the admin API, against the WireMock identity provider of
 * {@code quarkus-test-oidc-server} (started for tests of this profile only). Roles come from {@code groups}, the
 * default of application.yaml.
 */
public class AdminOidcProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.oidc.tenant-enabled", "true",
                "quarkus.oidc.auth-server-url", "${keycloak.url}/realms/quarkus/",
                "quarkus.oidc.token.issuer", OidcTokens.ISSUER,
                "quarkus.oidc.token.audience", OidcTokens.AUDIENCE,
                // the identity provider is the WireMock one, not a Keycloak container
                "quarkus.keycloak.devservices.enabled", "false");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OidcWiremockTestResource.class));
    }
}
