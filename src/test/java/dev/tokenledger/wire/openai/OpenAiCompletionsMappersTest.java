package dev.tokenledger.wire.openai;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.TranslatingRelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Legacy completions: golden requests to canonical, answers and streams written for the client, and what is refused. */
class OpenAiCompletionsMappersTest {

    private static final String DIR = "openai-completions/";
    private static final StreamLimits LIMITS = new StreamLimits(1 << 20, 1 << 22);
    private static final Usage ESTIMATE = new Usage(1, 0, 0, 1, 0, Usage.Source.ESTIMATED);

    @Test
    void requestToCanonical() {
        ChatRequest r = OpenAiCompletionsRequests.toCanonical(Golden.bytes(DIR + "request.json"));

        assertEquals("gpt-3.5-turbo-instruct", r.model());
        assertEquals(List.of(new Message("user",
                List.of(new ContentPart.Text("Write a tagline for an ice cream shop in São Paulo:")), List.of(), null,
                null)), r.messages());
        assertEquals(32, r.maxTokens());
        assertEquals(0.7, r.temperature());
        assertEquals(1.0, r.topP());
        assertEquals(List.of("\n"), r.stop());
        assertTrue(r.stream());
        assertTrue(r.includeUsage());
        assertEquals("user-4821", r.user());
        assertEquals(WireFormat.OPENAI_COMPLETIONS, r.source().format());
    }

    /** The translation the gateway performs for every completions client: the outbound OpenAI chat body. */
    @Test
    void requestTranslatedToOpenAiChat() {
        ChatRequest r = OpenAiCompletionsRequests.toCanonical(Golden.bytes(DIR + "request.json"));
        GoldenOutput.assertJson(DIR + "request.chat.json", OpenAiChatRequests.toWire(r, "gpt-4o-mini"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "suffix            | {'model':'m','prompt':'p','suffix':'end'}",
            "echo              | {'model':'m','prompt':'p','echo':true}",
            "logprobs          | {'model':'m','prompt':'p','logprobs':2}",
            "best_of           | {'model':'m','prompt':'p','best_of':3}",
            "n                 | {'model':'m','prompt':'p','n':2}",
            "seed              | {'model':'m','prompt':'p','seed':7}",
            "logit_bias        | {'model':'m','prompt':'p','logit_bias':{'50256':-100}}",
            "presence_penalty  | {'model':'m','prompt':'p','presence_penalty':0.5}",
            "frequency_penalty | {'model':'m','prompt':'p','frequency_penalty':-1}",
            "prompt            | {'model':'m','prompt':['a','b']}",
            "prompt            | {'model':'m','prompt':[1212,318]}",
            "prompt            | {'model':'m'}",
            "stop              | {'model':'m','prompt':'p','stop':5}"})
    void untranslatableOrInvalidFieldsAreA400NamingTheField(String param, String body) {
        OpenAiResponsesMappersTest.assertRefused(OpenAiCompletionsRequests::toCanonical, param, body);
    }

    @Test
    void chatAnswerAsATextCompletion() {
        GoldenOutput.assertChatAnswerAs("chat-response-basic.json", DIR + "response-from-chat.json",
                OpenAiCompletionsResponses::toWire);
    }

    @Test
    void chatStreamAsACompletionStreamAtEveryChunkBoundary() {
        byte[] out = OpenAiResponsesStreamTest.everySplitTheSame(Golden.bytes("openai/chat-stream-basic.sse"),
                () -> new TranslatingRelay(new OpenAiChunkDecoder(LIMITS), new OpenAiCompletionsChunkEncoder(true),
                        t -> ESTIMATE));
        GoldenOutput.assertBytes(DIR + "stream-from-chat.sse", out);
    }

    @Test
    void anUpstreamErrorAfter200IsOpenAisErrorEvent() {
        TranslatingRelay relay = new TranslatingRelay(new OpenAiChunkDecoder(LIMITS),
                new OpenAiCompletionsChunkEncoder(false), t -> ESTIMATE);
        String out = new String(OpenAiResponsesStreamTest.run(relay,
                List.of(Golden.bytes("openai/chat-stream-error-after-200.sse"))), StandardCharsets.UTF_8);
        assertTrue(out.endsWith("data: {\"error\":{\"message\":\"The server had an error while processing your request. "
                + "Sorry about that!\",\"type\":\"api_error\",\"param\":null,\"code\":\"upstream_error\"}}\n\n"), out);
    }
}
