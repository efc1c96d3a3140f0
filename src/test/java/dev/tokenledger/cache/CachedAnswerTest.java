package dev.tokenledger.cache;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.wire.anthropic.AnthropicInboundCodec;
import dev.tokenledger.wire.ollama.OllamaInboundCodec;
import dev.tokenledger.wire.openai.OpenAiChatInboundCodec;
import dev.tokenledger.wire.openai.OpenAiChatRequests;
import dev.tokenledger.wire.openai.OpenAiChatResponses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cache entry keeps the canonical answer intact, and a replay encodes it for the client without decoding. */
class CachedAnswerTest {

    private static final ChatRequest JSON = OpenAiChatRequests
            .toCanonical("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(
                    StandardCharsets.UTF_8));
    private static final ChatRequest STREAM = OpenAiChatRequests.toCanonical(
            "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                    .getBytes(StandardCharsets.UTF_8));

    private static ChatResponse everyPart() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("system_fingerprint", "fp_1");
        extra.put("nothing", null);
        extra.put("nested", Map.of("list", List.of(1, 2.5, "three", true)));
        Message message = new Message("assistant", List.of(new ContentPart.Reasoning("think", "sig", null, "anthropic"),
                new ContentPart.Text("Hello 🙂"), new ContentPart.Image(null, "image/png", "iVBORw0KGgo=", "low")),
                List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"São Paulo\"}")), null, null);
        Usage usage = new Usage(12, 4, 2, 30, 7, Usage.Source.PROVIDER_PARTIAL,
                Usage.Detail.NONE.withCacheWrite1h(1).withWebSearches(2).withServiceTier("flex"));
        return new ChatResponse("chatcmpl-1", "gpt-x", 1_700_000_000L,
                List.of(new ChatResponse.Choice(0, message, "tool_calls")), usage, extra);
    }

    private static CachedAnswer answer(WireFormat format, byte[] body, ChatResponse response) {
        return new CachedAnswer(format, body, response, "openai-1", "openai", "openai", "gpt-x-2025");
    }

    @Test
    void anEntryKeepsTheCanonicalAnswerAndTheBytesSent() {
        byte[] body = "{\"sent\":true}".getBytes(StandardCharsets.UTF_8);
        CachedAnswer read = CachedAnswer.decode(answer(WireFormat.ANTHROPIC, body, everyPart()).encode());
        assertEquals(everyPart(), read.response());
        assertArrayEquals(body, read.body());
        assertEquals(WireFormat.ANTHROPIC, read.format());
        assertEquals(List.of("openai-1", "openai", "openai", "gpt-x-2025"),
                List.of(read.provider(), read.providerType(), read.priceProvider(), read.upstreamModel()));
    }

    @Test
    void anEntryWithoutACanonicalAnswerIsAMiss() {
        String older = "{\"format\":\"OPENAI_CHAT\",\"provider\":\"p\",\"providerType\":\"openai\",\"priceProvider\":"
                + "\"openai\",\"upstreamModel\":\"m\",\"body\":\"e30=\"}";
        assertNull(CachedAnswer.decode(older.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSameFormatGetsTheBytesSentAndAnyOtherTheCanonicalAnswerInItsFormat() {
        byte[] sent = Golden.bytes("openai/chat-response-basic.json");
        ChatResponse canonical = OpenAiChatResponses.toCanonical(sent);
        CachedAnswer hit = CachedAnswer.decode(answer(WireFormat.OPENAI_CHAT, sent, canonical).encode());

        CacheReplay same = CacheReplay.render(hit, new OpenAiChatInboundCodec(), JSON);
        assertArrayEquals(sent, same.body());
        assertEquals(canonical.usage(), same.usage());

        CacheReplay anthropic = CacheReplay.render(hit, new AnthropicInboundCodec(), JSON);
        assertArrayEquals(new AnthropicInboundCodec().encodeResponse(canonical), anthropic.body());

        String stream = new String(CacheReplay.render(hit, new OpenAiChatInboundCodec(), STREAM).body(),
                StandardCharsets.UTF_8);
        assertTrue(stream.startsWith("data: {") && stream.endsWith("data: [DONE]\n\n"), stream);

        assertNull(CacheReplay.render(hit, new OllamaInboundCodec(), STREAM), "a format that cannot replay a stream");
    }
}
