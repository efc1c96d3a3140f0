package dev.tokenledger.routing;

import java.util.Locale;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;

/**
 * What a failed attempt means for routing, decided once per error: whether the next deployment may succeed, and how
 * long the failing one should rest.
 */
public enum FailureClass {
    /** The request is at fault (validation, a 4xx the client must fix): answered as is, never retried elsewhere. */
    CLIENT,
    /** A content-policy refusal: the answer, unless the alias says to fall back. */
    CONTENT_POLICY,
    /** The context is too long for the deployment: goes to the alias's larger-context fallback. */
    CONTEXT_LENGTH,
    /** 401 or 403 from the upstream: our credentials are wrong there. */
    AUTH,
    /** 404 from the upstream saying the model does not exist there (other 404s are the client's). */
    NOT_FOUND,
    /** 429 from the upstream. */
    RATE_LIMITED,
    /** 5xx, timeout, reset, malformed answer. */
    SERVER,
    /** The deployment's circuit breaker is open: skipped without a call. */
    BREAKER_OPEN,
    /**
     * The credential's token expired and its refresh has not brought a new one yet: not the deployment's fault (no
     * cooldown, no breaker count, no retry in place); another member or deployment may answer.
     */
    REFRESHING;

    /** The error code of {@link #REFRESHING}. */
    static final String REFRESHING_CODE = "credential_refreshing";

    /** The error of a request whose only credentials are waiting for a new token. */
    static GatewayError refreshing() {
        return new GatewayError(ErrorKind.UNAVAILABLE, "The upstream credential's token expired and is being "
                + "refreshed; retry in a moment.", null, REFRESHING_CODE, 0, null)
                .withRetryAfter(java.time.Duration.ofSeconds(1));
    }

    /** Whether another deployment may answer the same request. */
    public boolean movesOn() {
        return this != CLIENT && this != CONTENT_POLICY && this != CONTEXT_LENGTH;
    }

    /** Whether the same deployment may be tried again after a short wait. */
    public boolean retryableInPlace() {
        return this == SERVER || this == RATE_LIMITED;
    }

    public static FailureClass of(Throwable failure) {
        if (failure instanceof CircuitBreakerOpenException) {
            return BREAKER_OPEN;
        }
        if (failure instanceof TimeoutException) {
            return SERVER;
        }
        if (!(failure instanceof GatewayError error)) {
            return SERVER;
        }
        if (REFRESHING_CODE.equals(error.code()) && error.kind() == ErrorKind.UNAVAILABLE) {
            return REFRESHING;
        }
        if (error.kind() == ErrorKind.UPSTREAM_RATE_LIMITED) {
            return RATE_LIMITED;
        }
        if (error.kind() == ErrorKind.UPSTREAM_ERROR && clientCaused(error)) {
            // an error event inside a stream that says the request is at fault (the HTTP status was 200)
            return fromMessage(error);
        }
        if (error.kind() == ErrorKind.UPSTREAM_ERROR || error.kind() == ErrorKind.UPSTREAM_TIMEOUT) {
            return SERVER;
        }
        if (error.kind() != ErrorKind.UPSTREAM_CLIENT_ERROR) {
            return error.kind().retryable() ? SERVER : CLIENT;
        }
        return switch (error.upstreamStatus()) {
            case 401, 403 -> AUTH;
            case 404 -> aboutTheModel(error) ? NOT_FOUND : CLIENT;
            default -> fromMessage(error);
        };
    }

    /**
     * Error types and statuses that upstreams put in an error event inside a stream when the request is at fault
     * (OpenAI's and Anthropic's error types, Google's statuses and codes).
     */
    private static final java.util.Set<String> CLIENT_TYPES = java.util.Set.of("invalid_request_error",
            "not_found_error", "request_too_large", "invalid_argument", "context_length_exceeded", "content_filter");

    private static boolean clientCaused(GatewayError error) {
        int status = error.upstreamStatus();
        if (status == 400 || status == 404 || status == 413 || status == 422) {
            return true;
        }
        return error.code() != null && CLIENT_TYPES.contains(error.code().toLowerCase(Locale.ROOT));
    }

    /**
     * Whether a 404 says the deployment's model does not exist there (the deployment's fault, which rests it) rather
     * than that something the request names does not (a file, a stored response: the client's, which must not).
     */
    private static boolean aboutTheModel(GatewayError error) {
        String text = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
        return text.contains("model") || text.contains("deployment") || text.startsWith("the upstream provider rejected");
    }

    private static FailureClass fromMessage(GatewayError error) {
        String text = (error.getMessage() + " " + error.code()).toLowerCase(Locale.ROOT);
        if (text.contains("context length") || text.contains("context_length") || text.contains("maximum context")
                || text.contains("context window") || text.contains("prompt is too long")) {
            return CONTEXT_LENGTH;
        }
        if (text.contains("content_policy") || text.contains("content policy") || text.contains("content_filter")
                || text.contains("content management policy")) {
            return CONTENT_POLICY;
        }
        return CLIENT;
    }
}
