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
    CACHED_USAGE,
    /**
     * The tools coding agents send (Codex): a Responses client declares a {@code namespace} of functions, a free-form
     * {@code custom} tool, a client-executed {@code tool_search} and, in an {@code additional_tools} input item, one
     * more function; its history holds a {@code custom_tool_call} with its {@code custom_tool_call_output}; the answer
     * calls the namespaced function, the custom tool and the tool search. Other clients send the same tools as the
     * functions the Responses ones map to ({@link Script#tools}); every upstream sees those functions.
     */
    AGENT_TOOLS,
    /** The agent tools case as a stream. */
    STREAM_AGENT_TOOLS;

    public boolean streamed() {
        return this == STREAM || this == STREAM_TOOLS || this == STREAM_AGENT_TOOLS;
    }

    public boolean toolAnswer() {
        return this == TOOLS || this == STREAM_TOOLS || agentTools();
    }

    /** Whether the case uses the agent tools ({@link #AGENT_TOOLS}) rather than the plain functions. */
    public boolean agentTools() {
        return this == AGENT_TOOLS || this == STREAM_AGENT_TOOLS;
    }

    /** Whether the request carries tool definitions and an earlier tool call with its result. */
    public boolean toolRequest() {
        return toolAnswer();
    }
}
