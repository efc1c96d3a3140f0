package dev.tokenledger.admin;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static dev.tokenledger.admin.AdminFixtures.MODEL;
import static dev.tokenledger.admin.AdminFixtures.master;
import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may call which admin endpoint, with OIDC bearer tokens: every endpoint is called by every kind of caller and
 * must answer its success status (with a body that shows it did its work) or 403 (401 without a token), and a refused
 * write must leave no trace.
 */
@QuarkusTest
@TestProfile(AdminOidcProfile.class)
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AdminRoleMatrixTest {

    /** The callers: OIDC tokens with one role, none or an unknown one, the master key, and no credentials. */
    enum Caller {
        ADMIN("alice", AdminScope.ADMIN), FINANCE("fiona", AdminScope.FINANCE), VIEWER("victor", AdminScope.VIEWER), NO_ROLE(
                "nora",
                null), UNKNOWN_ROLE("otto", "auditor"), MASTER_KEY("master-key", AdminScope.ADMIN), ANONYMOUS(null, null);

        final String principal;
        final String role;

        Caller(String principal, String role) {
            this.principal = principal;
            this.role = role;
        }

        RequestSpecification spec() {
            RequestSpecification spec = given().contentType(ContentType.JSON);
            return switch (this) {
                case ANONYMOUS -> spec;
                case MASTER_KEY -> spec.header("Authorization", "Bearer " + OpenAiFixtures.MASTER);
                // every token lists the fixture team: team ids alone must grant nothing
                default -> spec.header("Authorization", "Bearer "
                        + OidcTokens.token(principal, role == null ? null : Set.of(role), List.of(teamId)));
            };
        }
    }

    /** One call of an endpoint: its caller and what the call needs (a unique name, a key of its own). */
    static final class Call {
        final Caller caller;
        final String unique = "n" + UUID.randomUUID().toString().substring(0, 8);
        String keyId;

        Call(Caller caller) {
            this.caller = caller;
        }

        String freshKey() {
            keyId = AdminFixtures.createKey("k-" + unique, teamId).getString("id");
            return keyId;
        }
    }

    /**
     * An endpoint: the roles allowed, the status on success, the call, the check of a successful answer, and the
     * check that a refused call changed nothing.
     */
    record Endpoint(Set<String> roles, int status, Function<Call, Response> call, BiConsumer<Call, JsonPath> ok,
            Consumer<Call> unchanged) {
    }

    static final Set<String> ALL = Set.of(AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER);
    static final Set<String> ADMIN_ONLY = Set.of(AdminScope.ADMIN);
    static final Set<String> ADMIN_VIEWER = Set.of(AdminScope.ADMIN, AdminScope.VIEWER);
    static final Set<String> ADMIN_FINANCE = Set.of(AdminScope.ADMIN, AdminScope.FINANCE);
    static final Consumer<Call> READ_ONLY = c -> {
    };

    /** What the calls work on, created once through the master key. */
    static String orgId;
    static String teamId;
    static String keyId;
    static String requestId;

    static final Map<String, Endpoint> ENDPOINTS = new LinkedHashMap<>();

    static {
        ENDPOINTS.put("POST /orgs", new Endpoint(ADMIN_ONLY, 201,
                c -> c.caller.spec().body(Map.of("name", "org-" + c.unique)).post("/admin/v1/orgs"),
                (c, body) -> {
                    assertEquals("org-" + c.unique, body.getString("name"));
                    assertNotNull(UUID.fromString(body.getString("id")));
                },
                c -> assertFalse(master().get("/admin/v1/orgs").asString().contains("org-" + c.unique))));
        ENDPOINTS.put("GET /orgs", new Endpoint(ALL, 200, c -> c.caller.spec().get("/admin/v1/orgs"),
                (c, body) -> assertTrue(body.getList("id").contains(orgId), body.prettify()), READ_ONLY));
        ENDPOINTS.put("POST /teams", new Endpoint(ADMIN_ONLY, 201,
                c -> c.caller.spec().body(Map.of("name", "team-" + c.unique, "orgId", orgId)).post("/admin/v1/teams"),
                (c, body) -> {
                    assertEquals("team-" + c.unique, body.getString("name"));
                    assertEquals(orgId, body.getString("orgId"));
                },
                c -> assertFalse(master().get("/admin/v1/teams").asString().contains("team-" + c.unique))));
        ENDPOINTS.put("GET /teams", new Endpoint(ALL, 200, c -> c.caller.spec().get("/admin/v1/teams"),
                (c, body) -> assertTrue(body.getList("id").contains(teamId), body.prettify()), READ_ONLY));
        ENDPOINTS.put("POST /keys", new Endpoint(ADMIN_ONLY, 201,
                c -> c.caller.spec().body(Map.of("name", "key-" + c.unique, "teamId", teamId)).post("/admin/v1/keys"),
                (c, body) -> {
                    assertEquals(teamId, body.getString("teamId"));
                    assertTrue(body.getString("key").startsWith(body.getString("prefix")), body.prettify());
                },
                c -> assertFalse(master().get("/admin/v1/keys?teamId=" + teamId).asString().contains("key-" + c.unique))));
        ENDPOINTS.put("GET /keys", new Endpoint(ADMIN_VIEWER, 200, c -> c.caller.spec().get("/admin/v1/keys"),
                (c, body) -> {
                    assertTrue(body.getList("id").contains(keyId), body.prettify());
                    assertNull(body.get("[0].key"), "a listed key must not show the key");
                }, READ_ONLY));
        ENDPOINTS.put("GET /keys/{id}", new Endpoint(ADMIN_VIEWER, 200, c -> c.caller.spec().get("/admin/v1/keys/" + keyId),
                (c, body) -> {
                    assertEquals(keyId, body.getString("id"));
                    assertEquals("active", body.getString("status"));
                    assertNull(body.get("key"));
                }, READ_ONLY));
        ENDPOINTS.put("DELETE /keys/{id}", new Endpoint(ADMIN_ONLY, 200,
                c -> c.caller.spec().delete("/admin/v1/keys/" + c.freshKey()),
                (c, body) -> {
                    assertEquals(c.keyId, body.getString("id"));
                    assertEquals("revoked", body.getString("status"));
                },
                c -> assertKeyStatus(c.keyId, "active")));
        ENDPOINTS.put("POST /keys/{id}/rotate", new Endpoint(ADMIN_ONLY, 201,
                c -> c.caller.spec().post("/admin/v1/keys/" + c.freshKey() + "/rotate"),
                (c, body) -> {
                    assertEquals(c.keyId, body.getString("rotatedFrom"));
                    assertNotNull(body.getString("key"));
                    assertKeyStatus(c.keyId, "revoked");
                },
                c -> assertKeyStatus(c.keyId, "active")));
        ENDPOINTS.put("POST /keys/{id}/disable", new Endpoint(ADMIN_ONLY, 200,
                c -> c.caller.spec().post("/admin/v1/keys/" + c.freshKey() + "/disable"),
                (c, body) -> assertEquals("disabled", body.getString("status")),
                c -> assertKeyStatus(c.keyId, "active")));
        ENDPOINTS.put("POST /keys/{id}/enable", new Endpoint(ADMIN_ONLY, 200,
                c -> {
                    master().post("/admin/v1/keys/" + c.freshKey() + "/disable").then().statusCode(200);
                    return c.caller.spec().post("/admin/v1/keys/" + c.keyId + "/enable");
                },
                (c, body) -> assertEquals("active", body.getString("status")),
                c -> assertKeyStatus(c.keyId, "disabled")));
        ENDPOINTS.put("GET /prices", new Endpoint(ALL, 200, c -> c.caller.spec().get("/admin/v1/prices"),
                (c, body) -> assertTrue(body.getList("model").contains(MODEL), body.prettify()), READ_ONLY));
        ENDPOINTS.put("GET /prices/{provider}/{model}/versions", new Endpoint(ALL, 200,
                c -> c.caller.spec().get("/admin/v1/prices/mock/" + MODEL + "/versions"),
                (c, body) -> {
                    assertEquals(MODEL, body.getString("[0].model"));
                    assertEquals("2.5", body.getString("[0].prices.inputMtok"));
                }, READ_ONLY));
        ENDPOINTS.put("POST /prices", new Endpoint(ADMIN_FINANCE, 201,
                c -> c.caller.spec().body(Map.of("provider", "mock", "model", "model-" + c.unique, "prices",
                        Map.of("inputMtok", "1", "outputMtok", "2"), "reason", "matrix")).post("/admin/v1/prices"),
                (c, body) -> {
                    assertEquals("model-" + c.unique, body.getString("model"));
                    assertEquals(c.caller.principal, body.getString("createdBy"));
                },
                c -> assertEquals(List.of(), master().get("/admin/v1/prices?model=model-" + c.unique).then()
                        .statusCode(200).extract().jsonPath().getList("$"))));
        ENDPOINTS.put("POST /prices/quote", new Endpoint(ALL, 200,
                c -> c.caller.spec().body(Map.of("provider", "mock", "model", MODEL, "usage",
                        Map.of("input_tokens", 1_000_000, "output_tokens", 100_000))).post("/admin/v1/prices/quote"),
                // 1M input x 2.50 + 100k output x 10 per million = 3.50 USD
                (c, body) -> assertEquals(3_500_000L, body.getLong("costMicros"), body.prettify()), READ_ONLY));
        ENDPOINTS.put("POST /prices/import?format=litellm", new Endpoint(ADMIN_FINANCE, 200,
                c -> c.caller.spec().body("{\"imp-" + c.unique + "\":{\"litellm_provider\":\"openai\",\"mode\":\"chat\","
                        + "\"input_cost_per_token\":1e-06,\"output_cost_per_token\":2e-06}}")
                        .post("/admin/v1/prices/import?format=litellm"),
                (c, body) -> {
                    assertEquals("litellm", body.getString("format"));
                    assertEquals(1, body.getInt("added"), body.prettify());
                    assertEquals("1", master().get("/admin/v1/prices?provider=openai&model=imp-" + c.unique).then()
                            .statusCode(200).extract().jsonPath().getString("[0].prices.inputMtok"));
                },
                c -> assertEquals(List.of(), master().get("/admin/v1/prices?model=imp-" + c.unique).then()
                        .statusCode(200).extract().jsonPath().getList("$"))));
        ENDPOINTS.put("GET /usage", new Endpoint(ALL, 200, c -> c.caller.spec().get("/admin/v1/usage?groupBy=team"),
                (c, body) -> assertTrue(body.getList("group").contains(teamId), body.prettify()), READ_ONLY));
        ENDPOINTS.put("GET /usage/top", new Endpoint(ALL, 200, c -> c.caller.spec().get("/admin/v1/usage/top?groupBy=team"
                + "&metric=requests&limit=500&from=" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)),
                (c, body) -> assertTrue(body.getList("top.group").contains(teamId), body.prettify()), READ_ONLY));
        ENDPOINTS.put("GET /usage/export", new Endpoint(ALL, 200, c -> c.caller.spec().get("/admin/v1/usage/export"),
                null, READ_ONLY));
        ENDPOINTS.put("GET /ledger/{id}", new Endpoint(ALL, 200, c -> c.caller.spec().get("/admin/v1/ledger/" + requestId),
                (c, body) -> {
                    assertEquals(requestId, body.getString("requestId"));
                    assertEquals(teamId, body.getString("teamId"));
                }, READ_ONLY));
        ENDPOINTS.put("POST /usage/reprice", new Endpoint(ADMIN_FINANCE, 200,
                c -> c.caller.spec().body(Map.of("from", "2000-01-01T00:00:00Z", "to",
                        Instant.now().plus(1, ChronoUnit.DAYS).toString())).post("/admin/v1/usage/reprice"),
                (c, body) -> assertTrue(body.getLong("requests") >= 1, body.prettify()), READ_ONLY));
    }

    @BeforeEach
    void setUp() throws InterruptedException {
        if (teamId == null) {
            orgId = AdminFixtures.createOrg("matrix-" + System.nanoTime());
            teamId = AdminFixtures.createTeam("matrix", orgId);
            AdminFixtures.priceTestModel();
            JsonPath key = AdminFixtures.createKey("listed", teamId);
            keyId = key.getString("id");
            requestId = AdminFixtures.chat(key.getString("key"));
        }
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (String endpoint : ENDPOINTS.keySet()) {
            for (Caller caller : Caller.values()) {
                cases.add(Arguments.of(endpoint, caller.name()));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("matrix")
    void roleMatrix(String name, String callerName) {
        Endpoint endpoint = ENDPOINTS.get(name);
        Call call = new Call(Caller.valueOf(callerName));
        int expected = call.caller == Caller.ANONYMOUS
                ? 401
                : call.caller.role != null && endpoint.roles().contains(call.caller.role) ? endpoint.status() : 403;

        Response response = endpoint.call().apply(call);
        String body = response.asString();
        assertEquals(expected, response.statusCode(), name + " as " + callerName + ": " + body);
        if (expected == endpoint.status()) {
            if (name.equals("GET /usage/export")) {
                assertTrue(response.contentType().startsWith("text/csv"), response.contentType());
                assertTrue(body.startsWith("request_id,created_at,org_id,team_id,"), body);
                assertTrue(body.contains(requestId), body);
            } else {
                endpoint.ok().accept(call, response.jsonPath());
            }
        } else {
            assertFalse(body.contains(teamId) || body.contains(orgId), "a refusal shows data: " + body);
            // in the admin error shape, like every admin error
            assertEquals(expected == 401 ? "authentication_error" : "permission_error",
                    AdminApiHygieneTest.shaped(response, expected).getString("error.type"), body);
            if (expected == 401) {
                assertTrue(response.header("WWW-Authenticate").startsWith("Bearer"), response.headers().toString());
            }
            endpoint.unchanged().accept(call);
        }
    }

    @Test
    void tokensThatAreNotFromTheIdentityProviderAre401() {
        String valid = OidcTokens.token("alice", Set.of(AdminScope.ADMIN), null);
        AdminFixtures.bearer(valid).get("/admin/v1/orgs").then().statusCode(200);

        String otherIssuer = OidcTokens.sign(OidcTokens.base("alice", "https://evil.example.com", OidcTokens.AUDIENCE)
                .groups(Set.of(AdminScope.ADMIN)));
        String otherAudience = OidcTokens.sign(OidcTokens.base("alice", OidcTokens.ISSUER, "https://other.example.com")
                .groups(Set.of(AdminScope.ADMIN)));
        String expired = OidcTokens.sign(OidcTokens.base("alice", OidcTokens.ISSUER, OidcTokens.AUDIENCE)
                .groups(Set.of(AdminScope.ADMIN)).issuedAt(Instant.now().minusSeconds(3600))
                .expiresAt(Instant.now().minusSeconds(600)));
        String[] parts = valid.split("\\.");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), UTF_8).replace("alice", "mallory").getBytes(UTF_8))
                + "." + parts[2];
        String foreignKey = Jwt.preferredUserName("alice").issuer(OidcTokens.ISSUER).audience(OidcTokens.AUDIENCE)
                .groups(Set.of(AdminScope.ADMIN)).signWithSecret("a-shared-secret-that-nobody-configured-0123456789");
        for (String token : List.of(otherIssuer, otherAudience, expired, tampered, foreignKey, "not-a-jwt")) {
            AdminApiHygieneTest.shaped(AdminFixtures.bearer(token).get("/admin/v1/orgs"), 401);
            AdminFixtures.bearer(token).contentType(ContentType.JSON).body(Map.of("name", "never-" + System.nanoTime()))
                    .post("/admin/v1/orgs").then().statusCode(401);
        }
    }

    @Test
    void anAdminTokenIsNoInferenceKey() {
        String admin = OidcTokens.token("alice", Set.of(AdminScope.ADMIN), List.of(teamId));
        given().header("Authorization", "Bearer " + admin).contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(401);
        given().header("Authorization", "Bearer " + admin).get("/v1/models").then().statusCode(401);
    }

    static void assertKeyStatus(String id, String status) {
        master().get("/admin/v1/keys/" + id).then().statusCode(200).body("status", is(status));
    }
}
