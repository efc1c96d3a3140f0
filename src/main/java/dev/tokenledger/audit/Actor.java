package dev.tokenledger.audit;

/**
 * Who made a change and from where, taken when the request arrives (the request's security identity and peer address).
 *
 * @param name {@code master-key} or the OIDC principal's name
 * @param kind {@code master-key}, {@code oidc} or {@code other}
 * @param subject the OIDC subject, or null
 * @param clientIp the client's address as the HTTP layer sees it (behind a proxy: as forwarded, when the proxy
 *        headers are trusted by configuration)
 * @param via {@code api} or {@code console}
 */
public record Actor(String name, String kind, String subject, String clientIp, String via) {

    public static final Actor UNKNOWN = new Actor("unknown", "other", null, null, "api");
}
