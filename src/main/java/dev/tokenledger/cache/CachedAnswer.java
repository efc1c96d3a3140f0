package dev.tokenledger.cache;

import java.util.Base64;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;

/**
 * A complete answer: its canonical form, which any client format is answered from, the bytes sent to the client that
 * caused it (replayed as they were to a client of the same format), and who produced it (for the cache hit's ledger
 * row).
 *
 * @param format the wire format of {@code body}
 * @param body the answer body as it was sent
 * @param response the canonical answer, with the usage it was billed for
 * @param provider the provider id that answered
 * @param providerType that provider's type
 * @param priceProvider the catalogue provider of its prices
 * @param upstreamModel the upstream model that answered
 */
public record CachedAnswer(WireFormat format, byte[] body, ChatResponse response, String provider, String providerType,
        String priceProvider, String upstreamModel) {

    byte[] encode() {
        ObjectNode node = Json.NODES.objectNode().put("format", format.name()).put("provider", provider)
                .put("providerType", providerType).put("priceProvider", priceProvider)
                .put("upstreamModel", upstreamModel).put("body", Base64.getEncoder().encodeToString(body));
        node.set("response", CanonicalAnswers.write(response));
        return Json.write(node);
    }

    /** The stored answer, or null when the entry is unreadable (written by another version): a miss. */
    static CachedAnswer decode(byte[] stored) {
        try {
            ObjectNode node = Json.parseObject(stored);
            return new CachedAnswer(WireFormat.valueOf(node.get("format").asText()),
                    Base64.getDecoder().decode(node.get("body").asText()), CanonicalAnswers.read(node.get("response")),
                    node.get("provider").asText(), node.get("providerType").asText(),
                    node.get("priceProvider").asText(), node.get("upstreamModel").asText());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
