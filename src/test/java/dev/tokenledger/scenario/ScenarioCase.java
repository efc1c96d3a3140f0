package dev.tokenledger.scenario;

/**
 * The cases every pair of client format and upstream type must serve alike. What each case asks and answers is fixed
 * in {@link Script}; each format expresses it in its own wire shape.
 */
public enum ScenarioCase {
    /** One user turn, a text answer. */
    PLAIN,
    /** A system prompt before the user turn. */
    SYSTEM_PROMPT,
    /** An earlier user turn and assistant answer, then the user turn. */
    MULTI_TURN,
    /** A user turn with text and an inline (base64) image. */
    IMAGE,
    /**
     * Tool definitions, an earlier assistant tool call with its result, and an answer of two parallel tool calls whose
     * ids must reach the client intact.
     */
    TOOLS,
    /** JSON output requested; the answer is a JSON text. */
    JSON_MODE,
    /** The plain case as a stream. */
    STREAM,
    /** The tools case as a stream: argument fragments must be reassembled. */
    STREAM_TOOLS,
    /** The upstream refuses with a rate-limit error in its format; the client sees its own format's error. */
    UPSTREAM_ERROR,
    /** The plain case with most of the prompt read from the provider's cache. */
    CACHED_USAGE;

    public boolean streamed() {
        return this == STREAM || this == STREAM_TOOLS;
    }

    public boolean toolAnswer() {
        return this == TOOLS || this == STREAM_TOOLS;
    }

    /** Whether the request carries tool definitions and an earlier tool call with its result. */
    public boolean toolRequest() {
        return toolAnswer();
    }
}
