package dev.tokenledger.wire.bedrock;

import java.util.Set;

import dev.tokenledger.wire.anthropic.AnthropicStopReasons;

/**
 * Converse {@code stopReason} to the canonical finish reason (wire-formats.md §9): Anthropic's vocabulary, but for the
 * reasons of a filtered answer, which are a guardrail's or the content filter's.
 */
public final class BedrockStopReasons {

    private static final Set<String> FILTERED = Set.of("guardrail_intervened", "content_filtered");

    private BedrockStopReasons() {
    }

    /** Canonical finish reason of a Converse stop reason; unknown reasons are an ordinary end. */
    public static String toCanonical(String stopReason) {
        return AnthropicStopReasons.toCanonical(stopReason, FILTERED);
    }
}
