package dev.tokenledger.wire.ollama;

/**
 * Ollama's {@code done_reason} and the canonical finish reasons (wire-formats.md §9): {@code stop} is the end of the
 * answer, or a tool call when the message carries {@code tool_calls}; {@code length} is the output cap; anything else
 * ({@code load}, {@code unload}, a future reason) counts as the end.
 */
final class OllamaFinish {

    private OllamaFinish() {
    }

    static String toCanonical(String doneReason, boolean calledTools) {
        if ("length".equals(doneReason)) {
            return "length";
        }
        return calledTools ? "tool_calls" : "stop";
    }

    static String toWire(String finishReason) {
        return "length".equals(finishReason) ? "length" : "stop";
    }
}
