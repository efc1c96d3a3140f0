package dev.tokenledger.cache;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.json.Json;

/**
 * The normalised form of a request for exact-match caching: the model, messages, tools and every sampling parameter,
 * with object keys sorted, and without what does not change the answer ({@code stream}, {@code stream_options},
 * {@code user}, {@code metadata}). Pure.
 */
final class RequestFingerprint {

    /** Request fields that do not change the answer. */
    static final Set<String> IGNORED = Set.of("stream", "stream_options", "user", "metadata", "store");

    private static final ObjectWriter SORTED = Json.MAPPER.writer()
            .with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private RequestFingerprint() {
    }

    /** SHA-256 of the scope and the normalised request, in hex. */
    static String of(String scope, ChatRequest request) {
        Map<String, Object> normal = new LinkedHashMap<>();
        normal.put("scope", scope);
        normal.put("model", request.model());
        normal.put("messages", request.messages());
        normal.put("tools", request.tools());
        normal.put("tool_choice", request.toolChoice());
        normal.put("parallel_tool_calls", request.parallelToolCalls());
        normal.put("max_tokens", request.maxTokens());
        normal.put("temperature", request.temperature());
        normal.put("top_p", request.topP());
        normal.put("stop", request.stop());
        normal.put("response_format", request.responseFormat());
        Map<String, Object> extra = new TreeMap<>(request.extra());
        extra.keySet().removeAll(IGNORED);
        normal.put("extra", extra);
        try {
            return sha256(SORTED.writeValueAsBytes(normal));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A canonical request is always serialisable", e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
