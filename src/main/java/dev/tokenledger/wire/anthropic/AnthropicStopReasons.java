package dev.tokenledger.wire.anthropic;

import java.util.Set;

/** Anthropic {@code stop_reason} to and from the canonical finish reason (wire-formats.md §9). */
public final class AnthropicStopReasons {

    private AnthropicStopReasons() {
    }

    /** Anthropic's reasons for an answer its safety filter stopped. */
    private static final Set<String> FILTERED = Set.of("refusal");

    /** Canonical finish reason of an Anthropic stop reason; unknown reasons are an ordinary end. */
    public static String toCanonical(String stopReason) {
        return toCanonical(stopReason, FILTERED);
    }

    /**
     * Canonical finish reason of a stop reason of Anthropic's vocabulary, which Bedrock Converse shares but for the
     * reasons of a filtered answer; unknown reasons are an ordinary end.
     *
     * @param filtered the format's stop reasons of an answer a filter stopped
     */
    public static String toCanonical(String stopReason, Set<String> filtered) {
        if (stopReason == null) {
            return null;
        }
        if (filtered.contains(stopReason)) {
            return "content_filter";
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            default -> "stop"; // end_turn, stop_sequence, pause_turn, malformed_* and reasons not known yet
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
