package dev.tokenledger.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * A WireMock extension that makes an upstream rate limited: above {@link #rate(int)} requests in any second it answers
 * 429 with OpenAI's error body instead of the stubbed answer, and counts what it served and refused.
 */
public final class RateLimitedUpstream implements ResponseDefinitionTransformerV2 {

    private final Deque<Long> served = new ArrayDeque<>();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger limited = new AtomicInteger();
    private volatile int rate = Integer.MAX_VALUE;

    /** Requests per second served; more are answered 429. */
    public void rate(int perSecond) {
        rate = perSecond;
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
        synchronized (served) {
            while (!served.isEmpty() && now - served.peekFirst() > 1_000_000_000L) {
                served.pollFirst();
            }
            if (served.size() >= rate) {
                limited.incrementAndGet();
                return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder()
                        .withStatus(429)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                                + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}")
                        .build();
            }
            served.addLast(now);
        }
        ok.incrementAndGet();
        return event.getResponseDefinition();
    }

    @Override
    public String getName() {
        return "rate-limited-upstream";
    }
}
