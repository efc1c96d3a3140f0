package dev.tokenledger.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.logging.Log;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.admin.AdminErrors;
import dev.tokenledger.canonical.ClientText;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;

/**
 * Renders every failure on an inference path in that API's error shape and status, and on the admin API in its own
 * ({@link AdminErrors}). Unexpected failures are logged with the request id and answered without internals.
 */
public class GatewayExceptionMappers {

    @Inject
    ApiFormats formats;

    @ServerExceptionMapper
    public Response gatewayError(GatewayError error, RoutingContext rc) {
        return render(rc, error);
    }

    @ServerExceptionMapper
    public Response webError(WebApplicationException e, RoutingContext rc) {
        if (AdminErrors.isAdminPath(rc.normalizedPath())) {
            return AdminErrors.web(e, rc.request().method().name(), rc.normalizedPath());
        }
        if (!ApiFormats.isInferencePath(rc.normalizedPath())) {
            return e.getResponse();
        }
        GatewayError error;
        if (e instanceof NotFoundException) {
            error = GatewayError.of(ErrorKind.NOT_FOUND, "Unknown request URL: " + rc.request().method() + " "
                    + rc.normalizedPath() + ".");
        } else if (e instanceof NotAllowedException) {
            error = new GatewayError(ErrorKind.INVALID_REQUEST, "Method " + rc.request().method() + " is not allowed on "
                    + rc.normalizedPath() + ".", null, "method_not_allowed", 0, null);
            return Response.fromResponse(render(rc, error)).status(405).build();
        } else if (e instanceof NotSupportedException) {
            error = GatewayError.invalid(null, "Unsupported content type; send application/json.");
        } else if (e.getResponse().getStatus() == 413) {
            error = GatewayError.of(ErrorKind.PAYLOAD_TOO_LARGE, "The request body is too large.");
        } else {
            error = GatewayError.invalid(null, "The request could not be processed.");
        }
        return render(rc, error);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, RoutingContext rc) {
        if (tooLarge(e)) {
            // a body of unknown length cut at the endpoint's limit while it streamed in (BodyLimits)
            return render(rc, GatewayError.of(ErrorKind.PAYLOAD_TOO_LARGE, "The request body is too large."));
        }
        String requestId = rc.response().headers().get("x-request-id");
        Log.errorf(e, "Unexpected failure on %s (request %s)", ClientText.forLog(rc.normalizedPath()),
                ClientText.forLog(requestId));
        return render(rc, GatewayError.of(ErrorKind.INTERNAL, "The gateway failed to process the request (request id "
                + requestId + ")."));
    }

    private static boolean tooLarge(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException && "Request too large".equals(c.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private Response render(RoutingContext rc, GatewayError error) {
        if (AdminErrors.isAdminPath(rc.normalizedPath())) {
            return AdminErrors.of(error);
        }
        return Response.status(formats.errorStatus(rc.normalizedPath(), error))
                .type("application/json")
                .entity(formats.renderError(rc.normalizedPath(), error))
                .build();
    }
}
