package dev.tokenledger.admission;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.Upstreams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 200 simultaneous requests against a budget, a request rate and a concurrency limit: exactly as many are admitted as
 * the limit allows, and the ledger's settled spend never exceeds the budget.
 */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class AdmissionConcurrencyTest {

    /** Output 100 tokens at 10 USD per million: every request costs exactly its worst case, 1,000 micro-USD. */
    static final String COMPLETION = """
            {"id":"c1","object":"chat.completion","created":1,"model":"%s","choices":[{"index":0,
             "message":{"role":"assistant","content":"ok"},"finish_reason":"length"}],
             "usage":{"prompt_tokens":5,"completion_tokens":100,"total_tokens":105}}""";

    @TestHTTPResource("/")
    URI gateway;

    @BeforeEach
    void upstream() {
        Upstreams.wireMock().resetAll();
        for (String model : List.of("budget-model", "rate-model")) {
            Tenant.answers(model, 0);
        }
        Tenant.answers("slow-model", 1200);
        Tenant.warmUp(gateway, "mock/rate-model");
    }

    @Test
    void budgetForTenRequestsAdmitsExactlyTen() throws Exception {
        Tenant tenant = Tenant.create();
        Tenant.price("mock", "budget-model", "0", "10");
        Tenant.limits("key", tenant.keyId(), "{\"budget\":{\"amountUsd\":\"0.010\",\"window\":\"month\",\"hard\":true}}");

        List<HttpResponse<String>> responses = burstAdmits(tenant, "mock/budget-model", 10);
        HttpResponse<String> refused = first(responses, 429);
        assertTrue(refused.body().contains("\"type\":\"insufficient_quota\""), refused.body());
        assertTrue(refused.body().contains("\"code\":\"budget_exceeded\""), refused.body());
        assertEquals("false", refused.headers().firstValue("x-should-retry").orElse(null));
        assertTrue(refused.headers().firstValue("retry-after").isPresent());
        long[] ledger = Tenant.ledger("key_id", tenant.keyId(), 10);
        assertEquals(10, ledger[0], "ledger rows");
        assertTrue(ledger[1] <= 10_000, "settled spend " + ledger[1] + " exceeds the budget");
        assertEquals(10_000, ledger[1]);
    }

    @Test
    void requestRateAdmitsExactlyTheLimit() {
        Tenant tenant = Tenant.create();
        Tenant.limits("team", tenant.teamId(), "{\"rpm\":20}");

        List<HttpResponse<String>> responses = burstAdmits(tenant, "mock/rate-model", 20);
        HttpResponse<String> ok = first(responses, 200);
        assertEquals("20", ok.headers().firstValue("x-ratelimit-limit-requests").orElse(null));
        assertTrue(ok.headers().firstValue("x-ratelimit-remaining-requests").isPresent());
        assertTrue(ok.headers().firstValue("x-ratelimit-reset-requests").isPresent());
        HttpResponse<String> refused = first(responses, 429);
        assertTrue(refused.body().contains("\"type\":\"rate_limit_error\""), refused.body());
        assertEquals("0", refused.headers().firstValue("x-ratelimit-remaining-requests").orElse(null));
        assertTrue(Integer.parseInt(refused.headers().firstValue("retry-after").orElseThrow()) >= 1);
    }

    @Test
    void concurrencyLimitAdmitsExactlyTheLimit() {
        Tenant tenant = Tenant.create();
        Tenant.limits("org", tenant.orgId(), "{\"maxParallel\":5}");

        burstAdmits(tenant, "mock/slow-model", 5);
        // the slots are free again once those requests settled
        assertEquals(5, Tenant.count(Tenant.burst(gateway, tenant.key(), Tenant.body("mock/slow-model", 100, false), 5),
                200));
    }

    /**
     * 200 requests of 100 output tokens at once to {@code model} with the tenant's key: exactly {@code admitted} of
     * them pass and every other one is refused with 429.
     */
    private List<HttpResponse<String>> burstAdmits(Tenant tenant, String model, int admitted) {
        List<HttpResponse<String>> responses = Tenant.burst(gateway, tenant.key(), Tenant.body(model, 100, false), 200);
        assertEquals(admitted, Tenant.count(responses, 200), "admitted");
        assertEquals(200 - admitted, Tenant.count(responses, 429), "refused");
        return responses;
    }

    /** The first answer with {@code status}. */
    private static HttpResponse<String> first(List<HttpResponse<String>> responses, int status) {
        return responses.stream().filter(r -> r.statusCode() == status).findFirst().orElseThrow();
    }
}
