package dev.tokenledger.admin.openapi;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Makes the OpenAPI document the admin API's alone, and complete: only {@code /admin/} paths (the inference endpoints
 * speak the providers' own APIs, documented by them), the one error shape on every operation, one bearer security
 * scheme (the master key or an OIDC access token), and no schema that nothing references (so nothing of the
 * gateway's internals: Netty buffers, Vert.x contexts, Mutiny types).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class AdminOpenApiFilter implements OASFilter {

    static final String PREFIX = "/admin/";
    static final String SECURITY = "bearer";
    static final String ERROR = "#/components/schemas/Error";
    static final String SCHEMAS = "#/components/schemas/";

    /** The error responses every operation may give, by status, with what they mean. */
    static final Map<String, String> ERRORS = new TreeMap<>(Map.of(
            "400", "Invalid request: a missing, unknown or invalid field, or unreadable JSON",
            "401", "No credentials, or credentials that are not valid",
            "403", "The caller's role does not allow this",
            "404", "No such object (or one the caller may not see), or no such admin URL"));

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() != null && openAPI.getPaths().getPathItems() != null) {
            new TreeMap<>(openAPI.getPaths().getPathItems()).keySet().stream().filter(path -> !path.startsWith(PREFIX))
                    .forEach(openAPI.getPaths()::removePathItem);
        }
        if (openAPI.getInfo() == null) {
            openAPI.setInfo(OASFactory.createInfo());
        }
        // OpenAPI 3.1 names a license by its SPDX identifier
        openAPI.getInfo().setLicense(OASFactory.createLicense().name("MIT").identifier("MIT"));
        Components components = openAPI.getComponents() == null ? OASFactory.createComponents() : openAPI.getComponents();
        openAPI.setComponents(components);
        components.setSecuritySchemes(Map.of(SECURITY, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").description("The master key (tokenledger.master-key) or an OIDC access token with "
                        + "the role admin, finance or viewer")));
        components.addSchema("Error", errorSchema());
        components.addSchema("ErrorDetail", errorDetailSchema());
        openAPI.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme(SECURITY)));
        if (openAPI.getPaths() != null && openAPI.getPaths().getPathItems() != null) {
            openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().values().forEach(op -> {
                errors(op);
                pathOrder(path, op);
            }));
        }
        dropUnreferenced(openAPI, components);
    }

    /**
     * Path parameters in the order of the path ({@code /limits/{scope}/{id}}: scope, then id), so that the SDKs take
     * them in that order; other parameters follow as the scanner listed them.
     */
    private static void pathOrder(String path, Operation operation) {
        if (operation.getParameters() == null) {
            return;
        }
        List<Parameter> ordered = new ArrayList<>(operation.getParameters());
        ordered.sort(Comparator.comparingInt(p -> p.getIn() == Parameter.In.PATH
                ? path.indexOf("{" + p.getName() + "}")
                : Integer.MAX_VALUE));
        operation.setParameters(ordered);
    }

    /** The one error shape for every error status, replacing the bodiless answers the scanner adds. */
    private static void errors(Operation operation) {
        operation.setSecurity(null);
        APIResponses responses = operation.getResponses() == null
                ? OASFactory.createAPIResponses()
                : operation.getResponses();
        ERRORS.forEach((status, description) -> responses.addAPIResponse(status, error(description)));
        responses.addAPIResponse("default", error("Any other error, in the same shape"));
        operation.setResponses(responses);
    }

    /** The one error body of the admin API (docs/admin-errors.md). */
    private static Schema errorSchema() {
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT).description("Every error of the admin API")
                .addProperty("error", OASFactory.createSchema().ref(SCHEMAS + "ErrorDetail")).required(List.of("error"))
                .examples(List.of(Map.of("error", example())));
    }

    /** An example error, its keys in the order the gateway writes them (and the same in every build). */
    private static Map<String, Object> example() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", "invalid_request_error");
        error.put("message", "Unknown field 'rpmm'.");
        error.put("param", "rpmm");
        error.put("code", "unknown_fields");
        error.put("fields", List.of("rpmm"));
        return error;
    }

    private static Schema errorDetailSchema() {
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT).description("What went wrong")
                .addProperty("type", text("Follows the status: invalid_request_error (400, 405, 406, 413, 415, 422), "
                        + "authentication_error (401), permission_error (403), not_found_error (404), conflict_error "
                        + "(409), rate_limit_error (429), service_unavailable (503), api_error (other 5xx)"))
                .addProperty("message", text("What is wrong, for a person"))
                .addProperty("param", text("The first offending field, or null").addType(Schema.SchemaType.NULL))
                .addProperty("code", text("A machine-readable detail or null: unknown_fields, invalid_field, "
                        + "invalid_json, unknown_url, method_not_allowed, unsupported_media_type, not_acceptable, "
                        + "request_too_large").addType(Schema.SchemaType.NULL))
                .addProperty("fields", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                        .items(OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                        .description("Every offending field, by path (budget.window, tiers[0].start)"))
                .required(List.of("type", "message", "fields"));
    }

    private static Schema text(String description) {
        return OASFactory.createSchema().addType(Schema.SchemaType.STRING).description(description);
    }

    private static APIResponse error(String description) {
        return OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType("application/json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(ERROR))));
    }

    /** Removes every schema no path references (directly or through other schemas). */
    private static void dropUnreferenced(OpenAPI openAPI, Components components) {
        Map<String, Schema> schemas = components.getSchemas();
        if (schemas == null || schemas.isEmpty()) {
            return;
        }
        Set<String> reachable = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(refs(openAPI.getPaths()));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (reachable.add(name) && schemas.containsKey(name)) {
                todo.addAll(refs(schemas.get(name)));
            }
        }
        new TreeMap<>(schemas).keySet().stream().filter(name -> !reachable.contains(name))
                .forEach(components::removeSchema);
    }

    private static Set<String> refs(org.eclipse.microprofile.openapi.models.Paths paths) {
        Set<String> names = new HashSet<>();
        if (paths == null || paths.getPathItems() == null) {
            return names;
        }
        for (PathItem item : paths.getPathItems().values()) {
            for (Operation op : item.getOperations().values()) {
                if (op.getParameters() != null) {
                    op.getParameters().forEach(p -> collect(p.getSchema(), names));
                }
                if (op.getRequestBody() != null) {
                    collect(op.getRequestBody().getContent(), names);
                }
                if (op.getResponses() != null && op.getResponses().getAPIResponses() != null) {
                    op.getResponses().getAPIResponses().values().forEach(r -> collect(r.getContent(), names));
                }
            }
        }
        return names;
    }

    private static Set<String> refs(Schema schema) {
        Set<String> names = new HashSet<>();
        collect(schema, names);
        return names;
    }

    private static void collect(Content content, Set<String> names) {
        if (content != null && content.getMediaTypes() != null) {
            content.getMediaTypes().values().forEach(m -> collect(m.getSchema(), names));
        }
    }

    private static void collect(Schema schema, Set<String> names) {
        if (schema == null) {
            return;
        }
        if (schema.getRef() != null && schema.getRef().startsWith(SCHEMAS)) {
            names.add(schema.getRef().substring(SCHEMAS.length()));
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(s -> collect(s, names));
        }
        collect(schema.getItems(), names);
        collect(schema.getAdditionalPropertiesSchema(), names);
        collect(schema.getNot(), names);
        for (List<Schema> list : Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
            if (list != null) {
                list.forEach(s -> collect(s, names));
            }
        }
    }
}
