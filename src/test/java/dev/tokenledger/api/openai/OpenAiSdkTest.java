package dev.tokenledger.api.openai;

import java.net.URL;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official OpenAI Java SDK as a real client of the gateway. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class OpenAiSdkTest {

    @TestHTTPResource("/v1")
    URL gateway;

    OpenAIClient client;

    @BeforeEach
    void setUp() {
        Upstreams.wireMock().resetAll();
        client = OpenAIOkHttpClient.builder().apiKey(OpenAiFixtures.MASTER).baseUrl(gateway.toString())
                .maxRetries(0).build();
    }

    @Test
    void chatReturnsWhatTheUpstreamSentWithUsage() {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.COMPLETION)));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-test").addUserMessage("Hi").build());

        assertEquals("chatcmpl-123", completion.id());
        assertEquals("Hello there!", completion.choices().get(0).message().content().orElseThrow());
        assertEquals(19, completion.usage().orElseThrow().promptTokens());
        assertEquals(3, completion.usage().orElseThrow().completionTokens());
    }

    @Test
    void streamedChatReturnsWhatTheUpstreamSentWithUsage() {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(OpenAiFixtures.STREAM)));

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gpt-test").addUserMessage("Hi")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = stream.stream().collect(Collectors.toList());
        }

        String text = chunks.stream().flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
        assertEquals("Hello 🙂", text);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty());
        assertEquals(12, last.usage().orElseThrow().promptTokens());
        assertEquals(4, last.usage().orElseThrow().completionTokens());
        assertEquals(8, last.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());
    }

    @Test
    void streamWithoutUsageRequestHasNoUsageChunk() {
        Upstreams.wireMock().stubFor(post("/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(OpenAiFixtures.STREAM)));

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gpt-test").addUserMessage("Hi").build())) {
            List<ChatCompletionChunk> chunks = stream.stream().collect(Collectors.toList());
            assertEquals(4, chunks.size());
            assertTrue(chunks.stream().allMatch(c -> c.usage().isEmpty()));
        }
    }

    @Test
    void unknownModelRaisesTheSdksNotFound() {
        assertThrows(NotFoundException.class, () -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("no-such-model").addUserMessage("Hi").build()));
    }
}
