package dev.tokenledger.cache;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.wire.InboundCodec;

/**
 * A cached answer rendered for the client that asked: the stored bytes when it speaks the format they were sent in
 * and wants JSON, else the canonical answer encoded in its format, as an event stream for a streaming client. Nothing
 * is decoded.
 *
 * @param body what to send
 * @param usage the usage the original answer was billed for
 */
public record CacheReplay(byte[] body, Usage usage) {

    /** @return the replay, or null when the client's format cannot replay it (then it is a miss) */
    public static CacheReplay render(CachedAnswer hit, InboundCodec client, ChatRequest request) {
        Usage usage = hit.response().usage();
        if (!request.stream() && hit.format() == client.format()) {
            return new CacheReplay(hit.body(), usage);
        }
        try {
            byte[] body = request.stream()
                    ? client.encodeAsStream(hit.response(), request.includeUsage())
                    : client.encodeResponse(hit.response(), request);
            return new CacheReplay(body, usage);
        } catch (GatewayError e) {
            return null;
        }
    }
}
