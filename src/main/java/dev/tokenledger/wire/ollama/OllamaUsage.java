package dev.tokenledger.wire.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.Usage;

/**
 * Ollama's counts on a final ({@code done: true}) object: {@code prompt_eval_count} input tokens and
 * {@code eval_count} output tokens, thinking included. Ollama leaves a count out when it is zero (e.g. a prompt served
 * entirely from its cache), so a report with one count missing is partial: the gateway completes it with its own
 * estimate.
 */
public final class OllamaUsage {

    private OllamaUsage() {
    }

    /** The usage of a final object; null when it reports no count at all. */
    public static Usage read(JsonNode done) {
        JsonNode prompt = done.get("prompt_eval_count");
        JsonNode output = done.get("eval_count");
        boolean hasPrompt = prompt != null && prompt.isNumber();
        boolean hasOutput = output != null && output.isNumber();
        if (!hasPrompt && !hasOutput) {
            return null;
        }
        return new Usage(hasPrompt ? prompt.asLong() : 0, 0, 0, hasOutput ? output.asLong() : 0, 0,
                hasPrompt && hasOutput ? Usage.Source.PROVIDER : Usage.Source.PROVIDER_PARTIAL);
    }

    static void write(Usage usage, ObjectNode done) {
        done.put("prompt_eval_count", usage.promptTokens());
        done.put("eval_count", usage.completionTokens());
    }
}
