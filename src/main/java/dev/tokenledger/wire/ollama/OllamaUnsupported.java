package dev.tokenledger.wire.ollama;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;

/**
 * What a request from another format asks that Ollama's {@code /api/chat} cannot do: each fails with an
 * invalid-request error naming the field, never dropped silently. Sampling fields of other formats that Ollama has as
 * options are carried over instead.
 */
final class OllamaUnsupported {

    /** Fields of other formats' requests that Ollama has as options under the same name. */
    private static final List<String> SAMPLING = List.of("seed", "top_k", "presence_penalty", "frequency_penalty");

    private OllamaUnsupported() {
    }

    static void check(ChatRequest request) {
        Object choice = request.toolChoice();
        if (choice != null && !"auto".equals(choice) && !"none".equals(choice)) {
            throw GatewayError.invalid("tool_choice",
                    "Ollama cannot be made to call a tool: only tool_choice 'auto' and 'none' can be sent to it.");
        }
        if (Boolean.FALSE.equals(request.parallelToolCalls()) && !request.tools().isEmpty()) {
            throw GatewayError.invalid("parallel_tool_calls",
                    "Ollama cannot be kept from calling several tools at once: parallel_tool_calls false is not supported.");
        }
        Map<String, Object> extra = request.extra();
        if (extra.get("n") instanceof Number n && n.intValue() > 1) {
            throw GatewayError.invalid("n", "Ollama answers with one choice: n greater than 1 is not supported.");
        }
        if (Boolean.TRUE.equals(extra.get("logprobs"))) {
            throw GatewayError.invalid("logprobs", "Log probabilities cannot be requested from Ollama's chat API.");
        }
        if (extra.get("logit_bias") instanceof Map<?, ?> bias && !bias.isEmpty()) {
            throw GatewayError.invalid("logit_bias", "Ollama does not support logit_bias.");
        }
        if (extra.get("modalities") instanceof List<?> modalities && modalities.contains("audio")) {
            throw GatewayError.invalid("modalities", "Ollama cannot answer with audio.");
        }
    }

    /** Copies the sampling fields Ollama knows from the request's other fields into its options. */
    static void samplingExtras(Map<String, Object> extra, ObjectNode options) {
        for (String field : SAMPLING) {
            Object value = extra.get(field);
            if (value instanceof Number) {
                options.set(field, Json.toNode(value));
            } else if (value != null) {
                throw GatewayError.invalid(field, "Invalid type for '" + field + "': expected a number.");
            }
        }
    }
}
