package dev.tokenledger.testing;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.restassured.http.ContentType;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared OpenAI-format upstream answers and the test master key. */
public final class OpenAiFixtures {

    public static final String MASTER = "tl-test-master-key";

    /** The model the answers below name: what a request through the {@code mock} provider is priced as. */
    public static final String MODEL = "gpt-4o-mini-2024-07-18";

    /**
     * Prices {@link #MODEL} on the {@code mock} provider at one rate for every test class of a run (input 2.50, cache
     * read 1.25, output 10 per million tokens, since 2020): the classes share one database, so a second class posting
     * the same moment answers 409, which is as good, and no class can price it otherwise under another's feet.
     */
    public static void priceMockModel() {
        int status = given().header("Authorization", "Bearer " + MASTER).contentType(ContentType.JSON)
                .body(Map.of("provider", "mock", "model", MODEL, "effectiveFrom", "2020-01-01T00:00:00Z", "prices",
                        Map.of("inputMtok", "2.50", "cacheReadMtok", "1.25", "outputMtok", "10"), "reason", "test rate"))
                .post("/admin/v1/prices").statusCode();
        assertTrue(status == 201 || status == 409, "price version: " + status);
    }

    /** The WireMock upstream's {@code /v1/chat/completions} answers {@link #COMPLETION}. */
    public static void upstreamCompletes() {
        Upstreams.answers("/v1/chat/completions", "application/json", COMPLETION.getBytes(StandardCharsets.UTF_8));
    }

    /** The WireMock upstream's {@code /v1/chat/completions} answers {@link #STREAM}. */
    public static void upstreamStreams() {
        Upstreams.answers("/v1/chat/completions", "text/event-stream", STREAM.getBytes(StandardCharsets.UTF_8));
    }

    public static final String COMPLETION = """
            {"id":"chatcmpl-123","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there!","refusal":null},
             "logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":19,"completion_tokens":3,"total_tokens":22,
             "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}},
             "system_fingerprint":"fp_abc"}""";

    public static final String STREAM = """
            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}

            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}],"usage":null}

            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"lo 🙂"},"finish_reason":null}],"usage":null}

            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}

            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":4,"total_tokens":16,"prompt_tokens_details":{"cached_tokens":8}}}

            data: [DONE]

            """;

    public static final String USAGE_EVENT = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":4,"
            + "\"total_tokens\":16,\"prompt_tokens_details\":{\"cached_tokens\":8}}}\n\n";

    private OpenAiFixtures() {
    }
}
