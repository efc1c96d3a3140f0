package dev.tokenledger.cache;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.wire.ChatCodec;
import dev.tokenledger.wire.WireCodecs;

/**
 * A cached answer rendered for the client that asked: the stored bytes when it speaks the same format and wants JSON,
 * else the canonical answer encoded in its format, as an event stream for a streaming client.
 *
 * @param body what to send
 * @param usage the usage of the original answer, or null when it reported none
 */
public record CacheReplay(byte[] body, Usage usage) {

    /** @return the replay, or null when the client's format cannot replay it (then it is a miss) */
    public static CacheReplay render(CachedAnswer hit, WireCodecs codecs, ChatCodec client, ChatRequest request) {
        ChatCodec stored = codecs.get(hit.format());
        try {
            if (!request.stream() && stored.format() == client.format()) {
                return new CacheReplay(hit.body(), stored.decodeUsage(hit.body()));
            }
            ChatResponse response = stored.decodeResponse(hit.body());
            byte[] body = request.stream()
                    ? client.encodeAsStream(response, request.includeUsage())
                    : client.encodeResponse(response);
            return new CacheReplay(body, response.usage());
        } catch (GatewayError e) {
            return null;
        }
    }
}
