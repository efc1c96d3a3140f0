package dev.tokenledger.wire;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;

/**
 * The names a format gives the canonical sampling parameters: output cap, temperature, top-p and stop sequences, in
 * that order. A parameter the request did not set is left out; a null name is one the format has not, or that its
 * mapper writes itself (a cap checked against the thinking budget, stop sequences written further on).
 */
public record SamplingFields(String maxTokens, String temperature, String topP, String stop) {

    /** Writes the request's sampling parameters into {@code node} under this format's names. */
    public void write(ChatRequest request, ObjectNode node) {
        if (maxTokens != null && request.maxTokens() != null) {
            node.put(maxTokens, request.maxTokens());
        }
        if (temperature != null && request.temperature() != null) {
            node.put(temperature, request.temperature());
        }
        if (topP != null && request.topP() != null) {
            node.put(topP, request.topP());
        }
        if (stop != null && !request.stop().isEmpty()) {
            ArrayNode sequences = node.putArray(stop);
            request.stop().forEach(sequences::add);
        }
    }
}
