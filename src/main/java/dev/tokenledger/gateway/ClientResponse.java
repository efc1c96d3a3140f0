package dev.tokenledger.gateway;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.smallrye.mutiny.Multi;

/**
 * What the pipeline answers a client with: a status, headers and a body that is one item (JSON) or a stream.
 */
public record ClientResponse(int status, Map<String, List<String>> headers, Multi<byte[]> body) {

    private static final Map<String, List<String>> SSE = Map.of("Content-Type", List.of("text/event-stream; charset=utf-8"),
            "Cache-Control", List.of("no-cache"), "X-Accel-Buffering", List.of("no"));

    public static ClientResponse json(int status, byte[] body) {
        return json(status, body, Map.of());
    }

    /**
     * A JSON answer, with extra headers (e.g. the request's cost). Its length is known, so it goes out with a
     * {@code Content-Length} in one write instead of as a chunked stream (an empty header value list removes the
     * {@code Transfer-Encoding} the streaming writer sets before it applies these headers).
     */
    public static ClientResponse json(int status, byte[] body, Map<String, String> extraHeaders) {
        Map<String, List<String>> headers = new HashMap<>(4 + extraHeaders.size());
        headers.put("Content-Type", List.of("application/json"));
        headers.put("Content-Length", List.of(String.valueOf(body.length)));
        headers.put("Transfer-Encoding", List.of());
        extraHeaders.forEach((k, v) -> headers.put(k, List.of(v)));
        return new ClientResponse(status, headers, Multi.createFrom().item(body));
    }

    public static ClientResponse eventStream(Multi<byte[]> events) {
        return new ClientResponse(200, SSE, events);
    }
}
