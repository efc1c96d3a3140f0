package dev.tokenledger.canonical;

/**
 * One step of a streamed answer in the gateway's own terms. An upstream stream decoder turns its format's events into
 * chunks; a client stream encoder turns chunks into its format's events. Chunks refer to a choice by index (0 for
 * every format but OpenAI chat with {@code n > 1}) and to a tool call by its index within the choice.
 */
public sealed interface ChatChunk {

    /** The answer started; decoders emit it once, before anything else, with what the upstream told (or nulls). */
    record Start(String id, String model, long created) implements ChatChunk {
    }

    /** Text appended to the answer. */
    record Text(int choice, String text) implements ChatChunk {
    }

    /**
     * Reasoning appended to the answer: text, or a signature / redacted data that closes a reasoning block.
     *
     * @param family the provider family that produced it (see {@link ContentPart.Reasoning})
     */
    record Reasoning(int choice, String text, String signature, String redactedData, String family)
            implements
                ChatChunk {
    }

    /** A tool call begins. Its id and name are complete; arguments follow in {@link ToolArguments} chunks. */
    record ToolCallStart(int choice, int index, String id, String name) implements ChatChunk {
    }

    /** A fragment of a tool call's JSON arguments; fragments concatenate to the full arguments text. */
    record ToolArguments(int choice, int index, String fragment) implements ChatChunk {
    }

    /**
     * The choice ended.
     *
     * @param reason canonical finish reason as in {@link ChatResponse.Choice#finishReason()}
     * @param stopSequence the stop sequence that ended it, when known
     */
    record Finish(int choice, String reason, String stopSequence) implements ChatChunk {
    }

    /** Usage so far; a later report replaces an earlier one (reports are running totals, never deltas). */
    record UsageReport(Usage usage) implements ChatChunk {
    }
}
