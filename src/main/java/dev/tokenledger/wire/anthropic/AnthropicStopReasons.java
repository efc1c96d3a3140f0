package dev.tokenledger.wire.anthropic;

/** Anthropic {@code stop_reason} to and from the canonical finish reason (wire-formats.md §9). */
public final class AnthropicStopReasons {

    private AnthropicStopReasons() {
    }

    /** Canonical finish reason of an Anthropic stop reason; unknown reasons are an ordinary end. */
    public static String toCanonical(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn and reasons not known yet
        };
    }

    /**
     * Anthropic stop reason of a canonical finish.
     *
     * @param stopSequence the stop sequence that ended the answer, when known
     * @param calledTools whether the answer holds tool calls (Gemini ends those with a plain stop)
     */
    public static String toWire(String finishReason, String stopSequence, boolean calledTools) {
        if (calledTools && (finishReason == null || "stop".equals(finishReason) || "tool_calls".equals(finishReason))) {
            return "tool_use";
        }
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> stopSequence != null ? "stop_sequence" : "end_turn";
        };
    }
}
