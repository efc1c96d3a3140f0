package dev.tokenledger.admission;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.RoutingUpstreams;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Budget holds are upper bounds of what a request can cost: every answer it asks for, a prompt counted by a tokenizer
 * that counts more than the gateway's estimate, and only the deployments its key may reach.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RoutingUpstreams.class, restrictToAnnotatedClass = false)
class UpperBoundHoldsTest {

    /** A long-ish English prompt: Anthropic's tokenizer counts 30 % more than the gateway's estimate of it below. */
    static final String PROMPT = "Please summarise the attached quarterly report and list the three largest cost "
            + "drivers, with a short explanation for each one. The gateway must never bill a request twice, and every "
            + "answered request must appear in the ledger exactly once, whatever happens to the replica that served it.";

    @TestHTTPResource("/")
    URI gateway;

    @Test
    void everyAnswerOfARequestIsInItsHold() throws Exception {
        // n = 8 answers of 100 tokens at 10 USD per million output tokens: 8,000 micro-USD a request
        Upstreams.wireMock().stubFor(post("/v1/chat/completions")
                .withRequestBody(matchingJsonPath("$.model", equalTo("n-model")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(AdmissionConcurrencyTest.COMPLETION.formatted("n-model")
                                .replace("\"completion_tokens\":100,\"total_tokens\":105",
                                        "\"completion_tokens\":800,\"total_tokens\":805"))));
        Tenant.price("mock", "n-model", "0", "10");
        Tenant tenant = Tenant.create();
        Tenant.limits("key", tenant.keyId(), "{\"budget\":{\"amountUsd\":\"0.01\",\"window\":\"month\",\"hard\":true}}");
        String body = "{\"model\":\"mock/n-model\",\"max_tokens\":100,\"n\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

        HttpResponse<String> first = Tenant.burst(gateway, tenant.key(), body, 1).get(0);
        HttpResponse<String> second = Tenant.burst(gateway, tenant.key(), body, 1).get(0);

        assertEquals(200, first.statusCode(), first.body());
        assertEquals(429, second.statusCode(), "the second request of 8 answers must not fit: " + second.body());
        assertTrue(second.body().contains("budget_exceeded"), second.body());
        long[] ledger = Tenant.ledger("key_id", tenant.keyId(), 1);
        assertEquals(1, ledger[0]);
        assertTrue(ledger[1] <= 10_000, "settled spend " + ledger[1] + " exceeds the budget of 10,000");
    }

    @Test
    void aProviderCountingMorePromptTokensDoesNotOverrunABudget() throws Exception {
        long estimate = 3 + 3 + o200k("user") + o200k(PROMPT); // the gateway's estimate: framing, role, text
        long reported = (long) Math.ceil(estimate * 1.3);
        Upstreams.wireMock().stubFor(post("/v1/messages")
                .withRequestBody(matchingJsonPath("$.model", equalTo("claude-factor")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-factor\","
                                + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"max_tokens\","
                                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + reported
                                + ",\"output_tokens\":10}}")));
        Tenant.price("anthropic-mock", "claude-factor", "10", "10");
        // a budget for exactly 20 requests as the plain estimate sees them (10 micro-USD a token)
        long budget = 20 * (estimate + 10) * 10;
        Tenant tenant = Tenant.create();
        Tenant.limits("key", tenant.keyId(), "{\"budget\":{\"amountUsd\":\"" + java.math.BigDecimal.valueOf(budget, 6)
                .toPlainString() + "\",\"window\":\"month\",\"hard\":true}}");
        String body = "{\"model\":\"anthropic-mock/claude-factor\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":" + dev.tokenledger.json.Json.MAPPER.writeValueAsString(
                        PROMPT)
                + "}]}";

        List<HttpResponse<String>> responses = Tenant.burst(gateway, tenant.key(), body, 60);

        long admitted = Tenant.count(responses, 200);
        assertEquals(60 - admitted, Tenant.count(responses, 429), "only budget refusals");
        assertTrue(admitted > 0, "nothing admitted");
        long[] ledger = Tenant.ledger("key_id", tenant.keyId(), admitted);
        assertEquals(admitted, ledger[0]);
        assertEquals(admitted * (reported + 10) * 10, ledger[1], "the upstream's count is billed");
        assertTrue(ledger[1] <= budget, "settled spend " + ledger[1] + " exceeds the budget of " + budget);
    }

    @Test
    void aFallbackTheKeyMayNotUseIsNeverReached() throws Exception {
        // alias chain: r1/chain-primary, falling back to alias chain-backup on r2, a hundred times dearer
        Tenant.price("r1", "chain-primary", "0", "1");
        Tenant.price("r2", "chain-backup", "0", "100");
        RoutingUpstreams.r1().stubFor(post("/v1/chat/completions")
                .withRequestBody(matchingJsonPath("$.model", equalTo("chain-primary")))
                .willReturn(aResponse().withStatus(502)));
        Tenant.answers(RoutingUpstreams.r2(), "chain-backup", 0);
        Tenant tenant = Tenant.create();
        String onlyChain = restrictedKey(tenant, List.of("chain"));
        int backupCalls = backupCalls();

        HttpResponse<String> failed = Tenant.burst(gateway, onlyChain, Tenant.body("chain", 100, false), 1).get(0);

        assertTrue(failed.statusCode() >= 500, "served through a fallback the key may not use: " + failed.statusCode()
                + " " + failed.body());
        assertEquals(backupCalls, backupCalls(), "the forbidden fallback was called");
        // a key that may use the fallback's model is served by it
        String both = restrictedKey(tenant, List.of("chain", "chain-backup"));
        assertEquals(200, Tenant.burst(gateway, both, Tenant.body("chain", 100, false), 1).get(0).statusCode());
        assertEquals(backupCalls + 1, backupCalls());

        // and the forbidden fallback is not priced into the hold: 100 micro-USD on the primary fits 5,000, while the
        // dearer fallback (10,000) would not
        Tenant.answers(RoutingUpstreams.r1(), "chain-primary", 0);
        Tenant budgeted = Tenant.create();
        Tenant.limits("team", budgeted.teamId(), "{\"budget\":{\"amountUsd\":\"0.005\",\"window\":\"month\",\"hard\":true}}");
        HttpResponse<String> held = Tenant.burst(gateway, restrictedKey(budgeted, List.of("chain")),
                Tenant.body("chain", 100, false), 1).get(0);
        assertEquals(200, held.statusCode(), held.body());
        HttpResponse<String> unrestricted = Tenant.burst(gateway, budgeted.key(), Tenant.body("chain", 100, false), 1)
                .get(0);
        assertEquals(429, unrestricted.statusCode(), "an unrestricted key's hold covers the fallback: "
                + unrestricted.body());
    }

    private static String restrictedKey(Tenant tenant, List<String> models) {
        return Tenant.master().body(Map.of("name", "restricted", "teamId", tenant.teamId(), "models", models))
                .post("/admin/v1/keys").then().statusCode(201).extract().path("key");
    }

    private static int backupCalls() {
        return RoutingUpstreams.r2().countRequestsMatching(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.model", equalTo("chain-backup"))).build()).getCount();
    }

    private static long o200k(String text) {
        return Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE).countTokensOrdinary(text);
    }
}
