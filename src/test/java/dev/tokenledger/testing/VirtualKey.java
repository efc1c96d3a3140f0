package dev.tokenledger.testing;

/**
 * A virtual key a test made through the admin API ({@link GatewayCalls#newKey(String)}): its organization and team,
 * new and its own, and the key's id and secret.
 */
public record VirtualKey(String orgId, String teamId, String id, String key) {
}
