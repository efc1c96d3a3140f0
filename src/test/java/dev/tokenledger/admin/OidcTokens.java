package dev.tokenledger.admin;

import java.util.Set;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Bearer tokens as the identity provider simulated by {@code OidcWiremockTestResource} would issue them: RS256 with
 * its private key ({@code privateKey.jwk}, key id {@code 1}, published at its JWKS endpoint).
 */
final class OidcTokens {

    static final String ISSUER = "https://server.example.com";
    static final String AUDIENCE = "https://service.example.com";

    private OidcTokens() {
    }

    /** A token of {@code user} with roles in {@code groups} (none when null) and a {@code teams} claim (none when null). */
    static String token(String user, Set<String> groups, Object teams) {
        JwtClaimsBuilder claims = base(user, ISSUER, AUDIENCE);
        if (groups != null) {
            claims.groups(groups);
        }
        if (teams != null) {
            claims.claim("teams", teams);
        }
        return sign(claims);
    }

    /** Claims every valid token carries; callers add roles and teams. */
    static JwtClaimsBuilder base(String user, String issuer, String audience) {
        return Jwt.preferredUserName(user).subject(user).issuer(issuer).audience(audience);
    }

    static String sign(JwtClaimsBuilder claims) {
        return claims.jws().keyId("1").sign("privateKey.jwk");
    }
}
