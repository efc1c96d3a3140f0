package dev.tokenledger.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * A WireMock extension that makes an upstream rate limited: above {@link #rate(int)} requests in any second it answers
 * 429 with OpenAI's error body instead of the stubbed answer, and counts what it served and refused. In
 * {@link #report(boolean) reporting} mode it serves everything and only says, in rate-limit headers, how much of the
 * rate is left: Anthropic's headers on {@code /v1/messages}, OpenAI's elsewhere.
 */
public final class RateLimitedUpstream implements ResponseDefinitionTransformerV2 {

    private final Deque<Long> served = new ArrayDeque<>();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger limited = new AtomicInteger();
    private volatile int rate = Integer.MAX_VALUE;
    private volatile boolean report;

    /** Requests per second served; more are answered 429 (or, when reporting, served with nothing left). */
    public void rate(int perSecond) {
        rate = perSecond;
    }

    /** Whether to serve every request and report the rate left in headers instead of answering 429. */
    public void report(boolean on) {
        report = on;
    }

    public int ok() {
        return ok.get();
    }

    public int limited() {
        return limited.get();
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        long now = System.nanoTime();
        int left;
        synchronized (served) {
            while (!served.isEmpty() && now - served.peekFirst() > 1_000_000_000L) {
                served.pollFirst();
            }
            if (!report && served.size() >= rate) {
                limited.incrementAndGet();
                return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder()
                        .withStatus(429)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                                + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}")
                        .build();
            }
            served.addLast(now);
            left = Math.max(0, rate - served.size());
        }
        ok.incrementAndGet();
        return report ? withHeaders(event, left) : event.getResponseDefinition();
    }

    private ResponseDefinition withHeaders(ServeEvent event, int left) {
        var answer = com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.like(event.getResponseDefinition());
        if (event.getRequest().getUrl().startsWith("/v1/messages")) {
            String reset = java.time.Instant.now().plusSeconds(1).toString();
            return answer.withHeader("anthropic-ratelimit-requests-limit", String.valueOf(rate))
                    .withHeader("anthropic-ratelimit-requests-remaining", String.valueOf(left))
                    .withHeader("anthropic-ratelimit-requests-reset", reset)
                    .withHeader("anthropic-ratelimit-tokens-limit", "400000")
                    .withHeader("anthropic-ratelimit-tokens-remaining", "399000")
                    .withHeader("anthropic-ratelimit-tokens-reset", reset)
                    .build();
        }
        return answer.withHeader("x-ratelimit-limit-requests", String.valueOf(rate))
                .withHeader("x-ratelimit-remaining-requests", String.valueOf(left))
                .withHeader("x-ratelimit-reset-requests", "1s")
                .withHeader("x-ratelimit-limit-tokens", "150000")
                .withHeader("x-ratelimit-remaining-tokens", "149984")
                .withHeader("x-ratelimit-reset-tokens", "6m0s")
                .build();
    }

    @Override
    public String getName() {
        return "rate-limited-upstream";
    }
}
