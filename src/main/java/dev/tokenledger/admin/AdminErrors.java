package dev.tokenledger.admin;

import java.util.List;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ClientText;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;

/**
 * Errors of the admin API, every one in one JSON shape (whether raised by an admin resource or by the HTTP layer:
 * unknown routes, wrong methods or media types, unreadable JSON, missing or refused credentials):
 *
 * <pre>
 * {"error": {"type": "invalid_request_error", "message": "...", "param": "rpmm", "code": "unknown_fields",
 *            "fields": ["rpmm"]}}
 * </pre>
 *
 * {@code type} follows the status, {@code param} is the first offending field (or null), {@code fields} all of them
 * (possibly empty), {@code code} a machine-readable detail (or null).
 */
public final class AdminErrors {

    /** Path prefix of the admin API. */
    public static final String PATH = "/admin/";

    private AdminErrors() {
    }

    public static boolean isAdminPath(String path) {
        return path != null && (path.startsWith(PATH) || path.equals("/admin"));
    }

    static GatewayError notFound(String what) {
        return GatewayError.of(ErrorKind.NOT_FOUND, what + " not found.");
    }

    static GatewayError invalid(String param, String message) {
        return GatewayError.invalid(param, message);
    }

    /** Longest name, reason or other text field the admin API stores. */
    static final int MAX_TEXT = 1000;

    static String required(String value, String param) {
        if (value == null || value.isBlank()) {
            throw invalid(param, "Missing required field: '" + param + "'.");
        }
        return ClientText.attribute(param, value.trim(), MAX_TEXT);
    }

    /**
     * Checks every text in a JSON-like value (strings, list items, map keys and values, nested): no control or
     * text-direction characters, each bounded, so that what is stored cannot be refused by the database or forge a
     * line where it is shown.
     */
    static void texts(String param, Object value) {
        if (value instanceof String text) {
            ClientText.attribute(param, text, MAX_TEXT);
        } else if (value instanceof java.util.Collection<?> items) {
            items.forEach(item -> texts(param, item));
        } else if (value instanceof java.util.Map<?, ?> map) {
            map.forEach((k, v) -> {
                texts(param, k);
                texts(param, v);
            });
        }
    }

    /** A gateway error raised on an admin path. */
    public static Response of(GatewayError error) {
        return Response.status(error.httpStatus()).type("application/json").entity(body(error)).build();
    }

    /** The JSON body of a gateway error raised on an admin path. */
    public static byte[] body(GatewayError error) {
        return body(error.httpStatus(), error.getMessage(), error.code(),
                error.param() == null ? List.of() : List.of(error.param()));
    }

    /** What the HTTP layer refused on an admin path (no route, method, media type, unreadable body). */
    public static Response web(WebApplicationException e, String method, String path) {
        int status = e.getResponse().getStatus();
        if (e instanceof NotFoundException) {
            return unknownRoute(method, path);
        }
        if (e instanceof NotAllowedException) {
            Response r = response(405, "Method " + method + " is not allowed on " + path + ".", "method_not_allowed",
                    List.of());
            String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
            return allow == null ? r : Response.fromResponse(r).header(HttpHeaders.ALLOW, allow).build();
        }
        if (e instanceof NotSupportedException) {
            return response(415, "Unsupported content type; send application/json.", "unsupported_media_type",
                    List.of());
        }
        if (e instanceof NotAcceptableException) {
            return response(406, "The admin API answers application/json only.", "not_acceptable", List.of());
        }
        if (e.getCause() instanceof StreamReadException json) {
            JsonLocation at = json.getLocation();
            return response(400, "The body is not valid JSON" + (at == null
                    ? "."
                    : " (line " + at.getLineNr()
                            + ", column " + at.getColumnNr() + ")."),
                    "invalid_json", List.of());
        }
        if (status == 413) {
            return response(413, "The request body is too large.", "request_too_large", List.of());
        }
        return response(status, status >= 500
                ? "The gateway failed to process the request."
                : "The request could not be processed.", null, List.of());
    }

    /** No admin endpoint at this path. */
    public static Response unknownRoute(String method, String path) {
        return response(404, unknownRouteMessage(method, path), "unknown_url", List.of());
    }

    static String unknownRouteMessage(String method, String path) {
        return "Unknown admin URL: " + method + " " + path + ".";
    }

    /** An error of the admin API with its status, message, machine-readable code (or null) and offending fields. */
    public static Response response(int status, String message, String code, List<String> fields) {
        return Response.status(status).type("application/json").entity(body(status, message, code, fields)).build();
    }

    /** The JSON body of an admin error. */
    public static byte[] body(int status, String message, String code, List<String> fields) {
        ObjectNode root = Json.NODES.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("type", type(status));
        error.put("message", message);
        if (fields.isEmpty()) {
            error.putNull("param");
        } else {
            error.put("param", fields.get(0));
        }
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        ArrayNode list = error.putArray("fields");
        fields.forEach(list::add);
        return Json.write(root);
    }

    static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 409 -> "conflict_error";
            case 429 -> "rate_limit_error";
            case 503 -> "service_unavailable";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
