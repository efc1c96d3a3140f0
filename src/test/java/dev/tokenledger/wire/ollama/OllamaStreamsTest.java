package dev.tokenledger.wire.ollama;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.OpenAiStreamSummary;
import dev.tokenledger.wire.StreamLimits;
import dev.tokenledger.wire.StreamRelays;
import dev.tokenledger.wire.TranslatingRelay;
import dev.tokenledger.wire.openai.OpenAiChunkDecoder;
import dev.tokenledger.wire.openai.OpenAiChunkEncoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ollama's NDJSON streams through the decoder, the encoder, the translating relay (Ollama upstream to OpenAI client and
 * back) and the pass-through relay, with the upstream bytes split at every offset.
 */
class OllamaStreamsTest {

    private static final StreamLimits LIMITS = new StreamLimits(1 << 20, 1 << 22);
    private static final Usage ESTIMATE = new Usage(1, 0, 0, 1, 0, Usage.Source.ESTIMATED);

    // ---- decoder ----

    @Test
    void decoderGivesTheSameChunksAtEverySplit() {
        byte[] golden = Golden.bytes("ollama/chat-stream-basic.ndjson");
        String expected = "start chatcmpl-ollama-1760001460112|qwen3:8b\n"
                + "reasoning[ollama] The user greets; \nreasoning[ollama] answer warmly.\n"
                + "text Hel\ntext lo 🙂\ntext  ¡Olá, 中文!\nfinish stop\nusage 12/9 PROVIDER\n";
        for (int split = 0; split <= golden.length; split++) {
            OllamaChunkDecoder decoder = new OllamaChunkDecoder(LIMITS);
            StringBuilder out = new StringBuilder();
            decoder.decode(Arrays.copyOfRange(golden, 0, split), c -> out.append(describe(c)));
            decoder.decode(Arrays.copyOfRange(golden, split, golden.length), c -> out.append(describe(c)));
            decoder.end(c -> out.append(describe(c)));
            assertTrue(decoder.complete());
            assertEquals(expected, out.toString(), "split " + split);
        }
    }

    @Test
    void toolCallsArriveWholeWithSynthesizedIds() {
        OllamaChunkDecoder decoder = new OllamaChunkDecoder(LIMITS);
        StringBuilder out = new StringBuilder();
        decoder.decode(Golden.bytes("ollama/chat-stream-tool-calls.ndjson"), c -> out.append(describe(c)));
        assertTrue(out.toString().contains("call 0 call_0 get_weather\nargs 0 {\"city\":\"São Paulo\",\"unit\":\"celsius\"}\n"
                + "call 1 call_1 get_local_time\nargs 1 {\"timezone\":\"America/Sao_Paulo\"}\nfinish tool_calls\n"
                + "usage 412/58 PROVIDER\n"), out.toString());
    }

    @Test
    void idsOllamaGivesAreKept() {
        OllamaChunkDecoder decoder = new OllamaChunkDecoder(LIMITS);
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode(("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":"
                + "\"call_x1\",\"function\":{\"index\":0,\"name\":\"f\",\"arguments\":{}}}]},\"done\":false}\n")
                .getBytes(StandardCharsets.UTF_8), chunks::add);
        assertEquals(new ChatChunk.ToolCallStart(0, 0, "call_x1", "f"), chunks.get(1));
        assertEquals(new ChatChunk.ToolArguments(0, 0, "{}"), chunks.get(2));
    }

    @Test
    void anErrorLineIsAnUpstreamErrorAndAStreamWithoutDoneIsIncomplete() {
        OllamaChunkDecoder decoder = new OllamaChunkDecoder(LIMITS);
        GatewayError e = assertThrows(GatewayError.class,
                () -> decoder.decode(Golden.bytes("ollama/chat-stream-error-after-200.ndjson"), c -> {
                }));
        assertEquals(ErrorKind.UPSTREAM_ERROR, e.kind());
        assertEquals("an error was encountered while running the model: unexpected EOF", e.getMessage());

        OllamaChunkDecoder cut = new OllamaChunkDecoder(LIMITS);
        cut.decode("{\"model\":\"m\",\"message\":{\"content\":\"Hi\"},\"done\":false}\n{\"model\":\"m\",\"mess"
                .getBytes(StandardCharsets.UTF_8), c -> {
                });
        cut.end(c -> {
        });
        assertFalse(cut.complete());
    }

    @Test
    void aLastObjectWithoutItsNewlineStillEndsTheStreamAndNonJsonIsAProtocolError() {
        OllamaChunkDecoder decoder = new OllamaChunkDecoder(LIMITS);
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode("{\"model\":\"m\",\"message\":{\"content\":\"\"},\"done\":true,\"eval_count\":2}"
                .getBytes(StandardCharsets.UTF_8), chunks::add);
        decoder.end(chunks::add);
        assertTrue(decoder.complete());
        assertEquals(new ChatChunk.UsageReport(new Usage(0, 0, 0, 2, 0, Usage.Source.PROVIDER_PARTIAL)),
                chunks.get(chunks.size() - 1));

        GatewayError e = assertThrows(GatewayError.class, () -> new OllamaChunkDecoder(LIMITS)
                .decode("data: {}\n".getBytes(StandardCharsets.UTF_8), c -> {
                }));
        assertEquals("upstream_protocol_error", e.code());
        GatewayError utf8 = assertThrows(GatewayError.class, () -> new OllamaChunkDecoder(LIMITS)
                .decode(new byte[]{'{', (byte) 0xFF, '}', '\n'}, c -> {
                }));
        assertEquals("upstream_protocol_error", utf8.code());
    }

    // ---- Ollama upstream, OpenAI client ----

    @Test
    void ollamaToOpenAiIsTheSameAtEverySplit() {
        byte[] golden = Golden.bytes("ollama/chat-stream-basic.ndjson");
        String expected = null;
        for (int split = 0; split <= golden.length; split++) {
            TranslatingRelay relay = new TranslatingRelay(new OllamaChunkDecoder(LIMITS), new OpenAiChunkEncoder(true),
                    t -> ESTIMATE);
            String summary = OpenAiStreamSummary.of(StreamRelays.cutAt(relay, golden, split));
            assertTrue(relay.complete());
            expected = expected == null ? summary : expected;
            assertEquals(expected, summary, "split " + split);
        }
        assertEquals("reasoning=The user greets; answer warmly.\ntext=Hello 🙂 ¡Olá, 中文!\nfinish=stop usage=12/9 done",
                expected);
    }

    @Test
    void ollamaToolCallsReachAnOpenAiClientAsToolCallDeltas() {
        byte[] golden = Golden.bytes("ollama/chat-stream-tool-calls.ndjson");
        for (int split = 0; split <= golden.length; split += 5) {
            TranslatingRelay relay = new TranslatingRelay(new OllamaChunkDecoder(LIMITS), new OpenAiChunkEncoder(false),
                    t -> ESTIMATE);
            assertEquals("reasoning=Weather and time for São Paulo.\n"
                    + "call_0 get_weather {\"city\":\"São Paulo\",\"unit\":\"celsius\"}\n"
                    + "call_1 get_local_time {\"timezone\":\"America/Sao_Paulo\"}\nfinish=tool_calls done",
                    OpenAiStreamSummary.of(StreamRelays.cutAt(relay, golden, split)), "split " + split);
            assertEquals(412, relay.reportedUsage().promptTokens());
        }
    }

    @Test
    void anOllamaErrorLineBecomesTheOpenAiErrorEvent() {
        TranslatingRelay relay = new TranslatingRelay(new OllamaChunkDecoder(LIMITS), new OpenAiChunkEncoder(true),
                t -> ESTIMATE);
        String out = OpenAiStreamSummary
                .of(StreamRelays.cutAt(relay, Golden.bytes("ollama/chat-stream-error-after-200.ndjson"), 10));
        assertEquals("text=Hi\nerror=upstream_error", out);
        assertFalse(relay.complete());
        assertNull(relay.reportedUsage());
    }

    // ---- OpenAI upstream, Ollama client ----

    @Test
    void openAiToolCallDeltasReachAnOllamaClientAsWholeCallsAtEverySplit() {
        byte[] golden = Golden.bytes("openai/chat-stream-tool-calls.sse");
        String expected = null;
        for (int split = 0; split <= golden.length; split += 3) {
            TranslatingRelay relay = new TranslatingRelay(new OpenAiChunkDecoder(LIMITS), new OllamaChunkEncoder(),
                    t -> ESTIMATE);
            String out = new String(StreamRelays.cutAt(relay, golden, split), StandardCharsets.UTF_8);
            expected = expected == null ? out : expected;
            assertEquals(expected, out, "split " + split);
        }
        String[] lines = expected.split("\n");
        JsonNode calls = Golden.tree(lines[0].getBytes(StandardCharsets.UTF_8));
        assertEquals("gpt-4.1-2025-04-14", calls.get("model").asText());
        assertEquals("{\"city\":\"São Paulo\",\"unit\":\"celsius\"}",
                Golden.MAPPER.valueToTree(calls.at("/message/tool_calls/0/function/arguments")).toString());
        assertEquals("get_local_time", calls.at("/message/tool_calls/1/function/name").asText());
        assertTrue(calls.at("/message/tool_calls/1/function/arguments").isObject());
        JsonNode done = Golden.tree(lines[lines.length - 1].getBytes(StandardCharsets.UTF_8));
        assertTrue(done.get("done").asBoolean());
        assertEquals("stop", done.get("done_reason").asText());
        assertEquals(412, done.get("prompt_eval_count").asInt());
        assertEquals(58, done.get("eval_count").asInt());
        assertEquals(2, lines.length, expected);
    }

    @Test
    void openAiTextReachesAnOllamaClientLineByLineWithAnErrorLineOnFailure() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OllamaChunkEncoder encoder = new OllamaChunkEncoder();
        encoder.encode(new ChatChunk.Start("c1", "gpt-4o", 1760000123), out);
        encoder.encode(new ChatChunk.Text(0, "Hi 🙂"), out);
        encoder.encode(new ChatChunk.Reasoning(0, "sig only", "sig", null, "anthropic"), out);
        encoder.error(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "overloaded", "upstream_error"), out);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(Golden.tree(utf8("{'model':'gpt-4o','created_at':'2025-10-09T08:55:23Z','message':{'role':"
                + "'assistant','content':'Hi 🙂'},'done':false}")), Golden.tree(utf8(lines[0])));
        assertEquals(Golden.tree(utf8("{'model':'gpt-4o','created_at':'2025-10-09T08:55:23Z','message':{'role':"
                + "'assistant','content':'','thinking':'sig only'},'done':false}")), Golden.tree(utf8(lines[1])));
        assertEquals("{\"error\":\"overloaded\"}", lines[2]);
        assertEquals("", lines[3], "every line ends with LF");
    }

    // ---- Ollama upstream, Ollama client ----

    @Test
    void passthroughForwardsEveryLineAsItCameAtEverySplit() {
        byte[] golden = Golden.bytes("ollama/chat-stream-basic.ndjson");
        for (int split = 0; split <= golden.length; split++) {
            OllamaPassthroughRelay relay = new OllamaPassthroughRelay(LIMITS);
            assertArrayEquals(golden, StreamRelays.cutAt(relay, golden, split), "split " + split);
            assertTrue(relay.complete());
            assertEquals(new Usage(12, 0, 0, 9, 0, Usage.Source.PROVIDER), relay.reportedUsage());
            assertEquals("The user greets; answer warmly.Hello 🙂 ¡Olá, 中文!", relay.generatedText().toString());
        }
    }

    @Test
    void passthroughEndsWithAnErrorLineOnAnUpstreamErrorOrACutStream() {
        OllamaPassthroughRelay relay = new OllamaPassthroughRelay(LIMITS);
        String out = new String(StreamRelays.cutAt(relay, Golden.bytes("ollama/chat-stream-error-after-200.ndjson"), 7),
                StandardCharsets.UTF_8);
        assertTrue(out.endsWith("\"done\":false}\n{\"error\":\"an error was encountered while running the model: "
                + "unexpected EOF\"}\n"), out);
        assertEquals("upstream_error", relay.upstreamError().code());
        assertEquals(0, relay.onFailure(relay.upstreamError()).length);

        OllamaPassthroughRelay cut = new OllamaPassthroughRelay(LIMITS);
        String cutOut = new String(
                StreamRelays.cutAt(cut, "{\"model\":\"m\",\"message\":{\"content\":\"Hi\"},\"done\":false}\n{\"mo"
                        .getBytes(StandardCharsets.UTF_8), 3),
                StandardCharsets.UTF_8);
        assertTrue(cutOut.endsWith("}\n{\"error\":\"The upstream closed the stream before it was complete.\"}\n"), cutOut);
        assertFalse(cut.complete());
    }

    // ---- helpers ----

    private static byte[] utf8(String json) {
        return json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static String describe(ChatChunk chunk) {
        Supplier<String> text = () -> {
            if (chunk instanceof ChatChunk.Start s) {
                return "start " + s.id() + "|" + s.model();
            } else if (chunk instanceof ChatChunk.Reasoning r) {
                return "reasoning[" + r.family() + "] " + r.text();
            } else if (chunk instanceof ChatChunk.Text t) {
                return "text " + t.text();
            } else if (chunk instanceof ChatChunk.ToolCallStart s) {
                return "call " + s.index() + " " + s.id() + " " + s.name();
            } else if (chunk instanceof ChatChunk.ToolArguments a) {
                return "args " + a.index() + " " + a.fragment();
            } else if (chunk instanceof ChatChunk.Finish f) {
                return "finish " + f.reason();
            } else if (chunk instanceof ChatChunk.UsageReport u) {
                return "usage " + u.usage().promptTokens() + "/" + u.usage().completionTokens() + " " + u.usage().source();
            }
            return chunk.toString();
        };
        return text.get() + "\n";
    }
}
