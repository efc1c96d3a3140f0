package dev.tokenledger.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.OpenAiStreamSummary;
import dev.tokenledger.wire.openai.OpenAiChunkDecoder;
import dev.tokenledger.wire.openai.OpenAiChunkEncoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generic translating relay, driven by the OpenAI chat decoder and encoder: a stream re-encoded through the
 * canonical chunks carries the same text, tool calls and usage, whatever the chunk boundaries.
 */
class TranslatingRelayTest {

    private static final StreamLimits LIMITS = new StreamLimits(1 << 20, 1 << 22);
    private static final Usage ESTIMATE = new Usage(1, 0, 0, 1, 0, Usage.Source.ESTIMATED);

    private static TranslatingRelay relay(boolean includeUsage) {
        return new TranslatingRelay(new OpenAiChunkDecoder(LIMITS), new OpenAiChunkEncoder(includeUsage), t -> ESTIMATE);
    }

    @Test
    void toolCallsSurviveEveryChunkBoundary() {
        byte[] golden = Golden.bytes("openai/chat-stream-tool-calls.sse");
        String expected = null;
        for (int split = 1; split < golden.length; split += 7) {
            TranslatingRelay relay = relay(true);
            byte[] out = StreamRelays.cutAt(relay, golden, split);
            assertTrue(relay.complete());
            String summary = OpenAiStreamSummary.of(out);
            if (expected == null) {
                expected = summary;
            }
            assertEquals(expected, summary, "split at " + split);
        }
        assertEquals("call_kR7vX2mN9pQ4sT1wY6zB3cD8 get_weather {\"city\": \"São Paulo\", \"unit\": \"celsius\"}\n"
                + "call_Ht5jL0aE2uW8nF3gV7bK1xQ9 get_local_time {\"timezone\": \"America/Sao_Paulo\"}\n"
                + "finish=tool_calls usage=412/58 done", expected);
    }

    @Test
    void usageChunkOnlyWhenTheClientAskedAndReportedUsageIsKept() {
        byte[] golden = Golden.bytes("openai/chat-stream-tool-calls.sse");
        TranslatingRelay relay = relay(false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(relay.onUpstreamBytes(golden));
        out.writeBytes(relay.onUpstreamEnd());
        assertTrue(OpenAiStreamSummary.of(out.toByteArray()).endsWith("finish=tool_calls done"));
        assertEquals(412, relay.reportedUsage().promptTokens());
        assertEquals(256, relay.reportedUsage().cachedPromptTokens());
        assertEquals(Usage.Source.PROVIDER, relay.reportedUsage().source());
    }

    @Test
    void aTruncatedStreamEndsWithAnErrorEventAndPartialUsage() {
        String golden = new String(Golden.bytes("openai/chat-stream-tool-calls.sse"), StandardCharsets.UTF_8);
        byte[] cut = golden.substring(0, golden.indexOf("data: [DONE]")).getBytes(StandardCharsets.UTF_8);
        TranslatingRelay relay = relay(true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(relay.onUpstreamBytes(cut));
        out.writeBytes(relay.onUpstreamEnd());
        assertFalse(relay.complete());
        assertNotNull(relay.upstreamError());
        assertTrue(OpenAiStreamSummary.of(out.toByteArray()).endsWith("error=upstream_stream_truncated"));
        assertEquals(Usage.Source.PROVIDER_PARTIAL, relay.reportedUsage().source());
        assertEquals(0, relay.onFailure(relay.upstreamError()).length, "nothing is written after the error event");
    }

    @Test
    void anUpstreamErrorEventBecomesTheClientsErrorEvent() {
        TranslatingRelay relay = relay(false);
        byte[] out = relay
                .onUpstreamBytes(("data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                        + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals("text=Hi\nerror=upstream_error", OpenAiStreamSummary.of(out));
        assertEquals("Hi", relay.generatedText().toString());
        assertNull(relay.reportedUsage());
    }
}
