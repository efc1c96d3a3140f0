package dev.tokenledger.canonical;

/**
 * What went wrong, independent of any wire format. Each inbound API renders a kind in its own error shape; the
 * {@link #status()} is the HTTP status used unless the error carries an upstream status to pass through.
 */
public enum ErrorKind {
    /** Malformed JSON, a missing or mistyped field. */
    INVALID_REQUEST(400, false),
    /** Missing or wrong credentials. */
    AUTHENTICATION(401, false),
    /** Valid credentials that may not do this. */
    PERMISSION(403, false),
    /** Unknown model or route. */
    NOT_FOUND(404, false),
    /** The request conflicts with existing state (e.g. a duplicate name). */
    CONFLICT(409, false),
    /** Request body over the configured limit. */
    PAYLOAD_TOO_LARGE(413, false),
    /** The client did not send its request body within the read timeout. */
    REQUEST_TIMEOUT(408, false),
    /** The route exists but its provider cannot do this operation. */
    UNSUPPORTED(400, false),
    /** Refused by a limit of this gateway. */
    RATE_LIMITED(429, false),
    /** Refused because a token quota or money budget of this gateway is used up; retrying does not help. */
    QUOTA_EXCEEDED(429, false),
    /** The upstream answered with a 4xx that is the client's to fix; passed through with the upstream's status. */
    UPSTREAM_CLIENT_ERROR(400, false),
    /** The upstream answered 429. */
    UPSTREAM_RATE_LIMITED(429, true),
    /** The upstream answered 5xx, reset the connection or sent something malformed. */
    UPSTREAM_ERROR(502, true),
    /** The upstream did not answer in time. */
    UPSTREAM_TIMEOUT(504, true),
    /** The gateway is not able to serve right now (draining, dependency down). */
    UNAVAILABLE(503, true),
    /** A defect of the gateway itself. */
    INTERNAL(500, false);

    private final int status;
    private final boolean retryable;

    ErrorKind(int status, boolean retryable) {
        this.status = status;
        this.retryable = retryable;
    }

    public int status() {
        return status;
    }

    /** Whether another attempt (same or other deployment) may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
