package dev.tokenledger.auth;

/**
 * Who is calling.
 *
 * @param subject a stable id for logs and the ledger (never the key itself)
 * @param admin whether this principal has every right (the master key)
 */
public record Principal(String subject, boolean admin) {

    public static final Principal ANONYMOUS = new Principal("anonymous", false);
    public static final Principal MASTER = new Principal("master-key", true);
}
