package dev.tokenledger.api;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.admin.AdminErrors;
import dev.tokenledger.admin.StrictAdminJson;
import dev.tokenledger.canonical.GatewayError;

/**
 * The admin API's answers to bodies Jackson cannot bind and to missing or refused credentials, in the admin error
 * shape ({@link AdminErrors}); Quarkus would otherwise answer them with an empty body.
 */
public class AdminExceptionMappers {

    private final ApiFormats formats;

    @Inject
    public AdminExceptionMappers(ApiFormats formats) {
        this.formats = formats;
    }

    @ServerExceptionMapper({MismatchedInputException.class, JsonProcessingException.class})
    public Response unbindable(JsonProcessingException e, RoutingContext rc) {
        List<String> fields = e instanceof StrictAdminJson.UnknownFieldsException unknown ? unknown.fields() : path(e);
        String message = e instanceof StrictAdminJson.UnknownFieldsException
                ? e.getOriginalMessage()
                : fields.isEmpty()
                        ? "The body does not have the expected shape."
                        : "Field '" + fields.get(0) + "' has the wrong type or shape.";
        String code = e instanceof StrictAdminJson.UnknownFieldsException ? "unknown_fields" : "invalid_field";
        String path = rc.normalizedPath();
        if (AdminErrors.isAdminPath(path)) {
            return AdminErrors.response(400, message, code, fields);
        }
        GatewayError error = GatewayError.invalid(fields.isEmpty() ? null : fields.get(0), message);
        return Response.status(formats.errorStatus(path, error)).type("application/json")
                .entity(formats.renderError(path, error)).build();
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e, RoutingContext rc) {
        Response answer = AdminErrors.isAdminPath(rc.normalizedPath())
                ? AdminErrors.response(401, "Authentication required: send 'Authorization: Bearer <token>' with the "
                        + "master key or a token of the identity provider.", null, List.of())
                : Response.status(401).build();
        return Response.fromResponse(answer).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, RoutingContext rc) {
        return AdminErrors.isAdminPath(rc.normalizedPath())
                ? AdminErrors.response(403, "The credentials do not allow " + rc.request().method() + " "
                        + rc.normalizedPath() + ".", null, List.of())
                : Response.status(403).build();
    }

    /** The path of the offending field, e.g. {@code budget.amountUsd} or {@code tiers[0].start}. */
    private static List<String> path(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return List.of();
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        if (path.length() > StrictAdminJson.MAX_NAME) {
            path.setLength(StrictAdminJson.MAX_NAME);
        }
        return path.length() == 0 ? List.of() : List.of(path.toString());
    }
}
