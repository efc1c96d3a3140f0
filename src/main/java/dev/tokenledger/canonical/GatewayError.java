package dev.tokenledger.canonical;

/**
 * The one error type of the request path. It carries a {@link ErrorKind}, a message that is safe to show to the
 * client (never a secret, never a stack trace), the offending parameter if any, and, for upstream errors, the
 * upstream's status.
 */
public final class GatewayError extends RuntimeException {

    private final ErrorKind kind;
    private final String param;
    private final String code;
    private final int upstreamStatus;
    private final java.time.Duration retryAfter;

    public GatewayError(ErrorKind kind, String message, String param, String code, int upstreamStatus, Throwable cause) {
        this(kind, message, param, code, upstreamStatus, cause, null);
    }

    private GatewayError(ErrorKind kind, String message, String param, String code, int upstreamStatus, Throwable cause,
            java.time.Duration retryAfter) {
        super(message, cause, false, false);
        this.kind = kind;
        this.param = param;
        this.code = code;
        this.upstreamStatus = upstreamStatus;
        this.retryAfter = retryAfter;
    }

    public static GatewayError of(ErrorKind kind, String message) {
        return new GatewayError(kind, message, null, null, 0, null);
    }

    public static GatewayError invalid(String param, String message) {
        return new GatewayError(ErrorKind.INVALID_REQUEST, message, param, null, 0, null);
    }

    public static GatewayError upstream(ErrorKind kind, int upstreamStatus, String message, String code) {
        return new GatewayError(kind, message, null, code, upstreamStatus, null);
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The request field at fault, or null. */
    public String param() {
        return param;
    }

    /** A machine-readable code, or null. */
    public String code() {
        return code;
    }

    /** The status the upstream answered with, or 0 when the error did not come from an upstream answer. */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    /** How long the upstream asked us to wait before trying again ({@code Retry-After}), or null. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    /** This error with the upstream's {@code Retry-After}; this error itself when {@code wait} is null. */
    public GatewayError withRetryAfter(java.time.Duration wait) {
        return wait == null ? this : new GatewayError(kind, getMessage(), param, code, upstreamStatus, getCause(), wait);
    }

    /** The HTTP status to answer the client with. */
    public int httpStatus() {
        if (kind == ErrorKind.UPSTREAM_CLIENT_ERROR && upstreamStatus >= 400 && upstreamStatus < 500) {
            return upstreamStatus;
        }
        return kind.status();
    }
}
