package dev.tokenledger.wire.anthropic;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.MappedInboundCodec;

/** The Anthropic Messages format ({@code /v1/messages}), spoken by clients. */
@ApplicationScoped
public class AnthropicInboundCodec extends MappedInboundCodec {

    public AnthropicInboundCodec() {
        super(WireFormat.ANTHROPIC, AnthropicRequests::toCanonical, AnthropicResponses::toWire, AnthropicErrors::encode,
                request -> new AnthropicChunkEncoder(request.model(), roughInputTokens(request)));
    }

    /**
     * A request with the client's {@code anthropic-beta} header, which an Anthropic upstream receives with it.
     */
    public ChatRequest decodeRequest(byte[] body, String beta) {
        return AnthropicRequests.toCanonical(body, true, beta);
    }

    @Override
    public void checkTranslatable(ChatRequest request, WireFormat upstream) {
        AnthropicTranslatable.check(request);
    }

    @Override
    public int errorStatus(GatewayError error) {
        return AnthropicErrors.status(error);
    }

    /**
     * The client learns the input count from {@code message_start}, before the upstream reports it: a rough estimate
     * there (about four characters a token, cheap enough for the event loop), the reported counts in
     * {@code message_delta}.
     */
    static long roughInputTokens(ChatRequest request) {
        long chars = 0;
        for (Message m : request.messages()) {
            for (ContentPart part : m.content()) {
                chars += part instanceof ContentPart.Text t ? t.text().length() : 0;
            }
            for (ToolCall call : m.toolCalls()) {
                chars += call.arguments() == null ? 0 : call.arguments().length();
            }
        }
        return chars / 4 + 1;
    }
}
