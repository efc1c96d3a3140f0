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
    /** 404 from the upstream: the model does not exist there. */
    NOT_FOUND,
    /** 429 from the upstream. */
    RATE_LIMITED,
    /** 5xx, timeout, reset, malformed answer. */
    SERVER,
    /** The deployment's circuit breaker is open: skipped without a call. */
    BREAKER_OPEN;

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
        if (error.kind() == ErrorKind.UPSTREAM_RATE_LIMITED) {
            return RATE_LIMITED;
        }
        if (error.kind() == ErrorKind.UPSTREAM_ERROR || error.kind() == ErrorKind.UPSTREAM_TIMEOUT) {
            return SERVER;
        }
        if (error.kind() != ErrorKind.UPSTREAM_CLIENT_ERROR) {
            return error.kind().retryable() ? SERVER : CLIENT;
        }
        return switch (error.upstreamStatus()) {
            case 401, 403 -> AUTH;
            case 404 -> NOT_FOUND;
            default -> fromMessage(error);
        };
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
