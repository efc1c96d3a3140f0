package dev.tokenledger.wire.bedrock;

/** Converse {@code stopReason} to the canonical finish reason (wire-formats.md §9). */
public final class BedrockStopReasons {

    private BedrockStopReasons() {
    }

    /** Canonical finish reason of a Converse stop reason; unknown reasons are an ordinary end. */
    public static String toCanonical(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, malformed_* and reasons not known yet
        };
    }
}
