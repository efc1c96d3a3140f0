package dev.tokenledger.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.WireFormat;

/** The bodies requests arrived with, for the formats whose mappers keep them as a JSON object. */
public final class SourceBodies {

    private SourceBodies() {
    }

    /**
     * A copy of the body a request arrived with, to forward to an upstream of its format: a copy, because mappers are
     * pure and the same request may be sent to several deployments.
     *
     * @return the copy, or null when the request arrived in another format
     */
    public static ObjectNode copy(ChatRequest request, WireFormat format) {
        return request.arrivedIn(format) ? ((ObjectNode) request.source().body()).deepCopy() : null;
    }
}
