package dev.tokenledger.provider;

/**
 * A refresh that obtained no token. A permanent failure (the grant was refused: {@code invalid_grant}, a revoked
 * token, no subscription) is not retried and sends the credential to {@code needs_login}; a transient one (network,
 * 5xx, 429) is retried. Messages never hold a secret.
 */
public final class TokenRefreshException extends RuntimeException {

    private final boolean permanent;

    public TokenRefreshException(String message, boolean permanent) {
        super(message, null, false, false);
        this.permanent = permanent;
    }

    public boolean permanent() {
        return permanent;
    }

    /** The failure of an HTTP answer: 400, 401 and 403 refuse the grant for good, anything else may pass. */
    public static TokenRefreshException ofStatus(int status, String what) {
        boolean permanent = status == 400 || status == 401 || status == 403 || status == 404;
        return new TokenRefreshException(what + " answered HTTP " + status, permanent);
    }
}
