package dev.tokenledger.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.Upstreams;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document is the admin API's, readable and complete: no internal type of the gateway in it, every
 * operation named, tagged, summarised and answering errors in the one error shape; and it is the document the SDKs in
 * {@code sdk/} are generated from ({@code src/main/openapi/admin.yaml}), so that a changed endpoint is a changed SDK.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class OpenApiDocumentTest {

    /** The document the build generates the SDKs from. */
    static final Path COMMITTED = Path.of("src/main/openapi/admin.yaml");

    /** Names of the gateway's internals (Netty, Vert.x, Mutiny, Jackson, JAX-RS) that must never reach the document. */
    static final Pattern INTERNAL = Pattern.compile("ByteBuf|RoutingContext|HttpServerRequest|HttpServerResponse|"
            + "io\\.vertx|io\\.netty|io\\.smallrye|mutiny|\\bUni\\b|\\bMulti\\b|JsonNode|ObjectNode|RestResponse|"
            + "jakarta\\.ws|com\\.fasterxml|Buffer");

    static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @Test
    void documentNamesNoInternalType() {
        String json = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200).extract()
                .asString();
        Matcher internal = INTERNAL.matcher(json);
        List<String> found = new ArrayList<>();
        while (internal.find()) {
            found.add(internal.group());
        }
        assertEquals(List.of(), found, "internal types in the OpenAPI document");
        JsonNode doc = Golden.tree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        doc.path("components").path("schemas").fieldNames().forEachRemaining(name -> assertTrue(
                name.matches("[A-Z][A-Za-z0-9]*"), "schema name '" + name + "' is not a plain type name"));
    }

    @Test
    void everyOperationIsNamedTaggedAndAnswersTheErrorShape() {
        String json = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        JsonNode doc = Golden.tree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Set<String> ids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        int operations = 0;
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            if (!path.getKey().startsWith("/admin/v1/")) {
                problems.add(path.getKey() + ": not an admin path");
            }
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                operations++;
                String where = op.getKey().toUpperCase() + " " + path.getKey();
                JsonNode o = op.getValue();
                String id = o.path("operationId").asText("");
                if (id.isEmpty()) {
                    problems.add(where + ": no operationId");
                } else if (!ids.add(id)) {
                    problems.add(where + ": operationId " + id + " used twice");
                }
                if (!o.path("tags").isArray() || o.path("tags").isEmpty()) {
                    problems.add(where + ": no tag");
                }
                if (o.path("summary").asText("").isBlank()) {
                    problems.add(where + ": no summary");
                }
                for (String status : List.of("400", "401", "403", "404", "default")) {
                    String ref = o.path("responses").path(status).path("content").path("application/json")
                            .path("schema").path("$ref").asText("");
                    if (!ref.equals("#/components/schemas/Error")) {
                        problems.add(where + ": response " + status + " is not the Error shape");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(operations >= 30, "admin operations in the document: " + operations);
        assertTrue(doc.path("components").path("schemas").has("ErrorDetail"));
        assertEquals("bearer", doc.path("components").path("securitySchemes").path("bearer").path("scheme").asText());
    }

    /**
     * The SDKs are generated from the committed document at build time; this keeps it equal to what the gateway
     * serves. To update it after an admin API change: {@code -Dopenapi.update=true} on this test.
     */
    @Test
    void committedDocumentIsTheServedOne() throws IOException {
        String served = given().get("/q/openapi?format=yaml").then().statusCode(200).extract().asString();
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(COMMITTED, served);
        }
        assertTrue(Files.exists(COMMITTED), COMMITTED + " is missing");
        assertEquals(Files.readString(COMMITTED), served, COMMITTED + " differs from the served document: the admin "
                + "API changed. Run this test with -Dopenapi.update=true, review the diff, and rebuild (the "
                + "SDKs in sdk/ are regenerated from it)");
    }

    @Test
    void swaggerUiIsServed() {
        String page = given().get("/q/swagger-ui/").then().statusCode(200).extract().asString();
        assertTrue(page.contains("swagger"), page);
    }
}
