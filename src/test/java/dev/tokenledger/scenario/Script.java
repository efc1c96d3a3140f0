package dev.tokenledger.scenario;

import java.util.List;

/**
 * The content of every scenario: what the client asks and what the upstream answers, in the gateway's terms. Client
 * and upstream sides express it in their wire formats; the suite checks that what the client receives is this.
 */
public final class Script {

    public static final String SYSTEM = "You are a terse weather assistant.";
    public static final String EARLIER_QUESTION = "Hello, who are you?";
    public static final String EARLIER_ANSWER = "A weather assistant.";
    public static final String QUESTION = "What is the weather in Paris? Réponds vite 🙂";
    public static final String TOOL_QUESTION = "And in Lyon?";
    public static final String IMAGE_QUESTION = "What does this picture show?";
    /** A 1×1 PNG. */
    public static final String IMAGE_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
    public static final String IMAGE_MEDIA_TYPE = "image/png";
    public static final String ANSWER = "Sunny, 21 °C in Paris 🙂";
    public static final String JSON_ANSWER = "{\"city\":\"Paris\",\"sky\":\"sunny\",\"celsius\":21}";

    /** The tools the client offers in the plain tool cases. */
    private static final List<Tool> TOOLS = List.of(
            new Tool("get_weather", "Current weather for a city",
                    "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"),
            new Tool("get_time", "Local time in a time zone",
                    "{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\"}},\"required\":[\"zone\"]}"));

    /** The earlier tool call in a tools request, and its result. */
    private static final Call EARLIER_CALL = new Call("call_prev01", "get_weather", "{\"city\":\"Lyon\"}");
    private static final String EARLIER_RESULT = "{\"sky\":\"rain\",\"celsius\":12}";

    /** The two parallel calls of a tool answer. */
    private static final List<Call> CALLS = List.of(new Call("call_w31p", "get_weather", "{\"city\":\"Paris\"}"),
            new Call("call_t42q", "get_time", "{\"zone\":\"Europe/Paris\"}"));

    /** The namespace of the agent tools' namespaced function, and the function's own name. */
    public static final String NAMESPACE = "mcp__fs";
    public static final String NAMESPACED = "read";
    /** The free-form (custom) tool of the agent tools, its grammar, and the tool an additional_tools item adds. */
    public static final String CUSTOM = "apply_patch";
    public static final String GRAMMAR = "start: /[^\\x00]+/";
    public static final String ADDITIONAL = "list_files";
    public static final String TOOL_SEARCH = "tool_search";
    public static final String PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+Hello\n*** End Patch";

    /**
     * The agent tools as the functions every upstream sees: the namespaced function flattened as
     * {@code <namespace>__<name>}, the custom tool as a function of one string parameter {@code input}, the tool search
     * as a function {@code tool_search}, then the additional tool.
     */
    private static final List<Tool> AGENT_TOOLS = List.of(
            new Tool(NAMESPACE + "__" + NAMESPACED, "Read a file",
                    "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}"),
            new Tool(CUSTOM, "Edit files with a patch", "{\"type\":\"object\",\"properties\":{\"input\":{\"type\":"
                    + "\"string\"}},\"required\":[\"input\"],\"additionalProperties\":false}"),
            new Tool(TOOL_SEARCH, "Searches for tools",
                    "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}},\"required\":[\"query\"]}"),
            new Tool(ADDITIONAL, "List files in a folder",
                    "{\"type\":\"object\",\"properties\":{\"dir\":{\"type\":\"string\"}},\"required\":[\"dir\"]}"));
    /** The agent tools' earlier call (the custom tool, its input as the one argument) and its result. */
    private static final Call AGENT_EARLIER_CALL = new Call("call_prev02", CUSTOM,
            "{\"input\":\"*** Begin Patch\\n*** End Patch\"}");
    private static final String AGENT_EARLIER_RESULT = "{\"applied\":true,\"files\":1}";
    /** The agent tools' answer: the namespaced function, the custom tool and the tool search, in parallel. */
    private static final List<Call> AGENT_CALLS = List.of(
            new Call("call_r51a", NAMESPACE + "__" + NAMESPACED, "{\"path\":\"README.md\"}"),
            new Call("call_p62b", CUSTOM, "{\"input\":\"*** Begin Patch\\n*** Add File: hello.txt\\n+Hello\\n"
                    + "*** End Patch\"}"),
            new Call("call_s73c", TOOL_SEARCH, "{\"query\":\"git tools\"}"));

    /** Usage of every answer: all input tokens (cached ones included), cached input tokens, output tokens. */
    public static final long PROMPT_TOKENS = 120;
    public static final long CACHED_TOKENS = 0;
    public static final long COMPLETION_TOKENS = 30;
    /** Cached input tokens in the {@link ScenarioCase#CACHED_USAGE} case. */
    public static final long CACHED_CASE_CACHED_TOKENS = 100;

    public static final String ERROR_MESSAGE = "Rate limit reached for requests";

    private Script() {
    }

    /** The tools a case's request declares, as the functions the upstream sees. */
    public static List<Tool> tools(ScenarioCase c) {
        return c.agentTools() ? AGENT_TOOLS : TOOLS;
    }

    /** The earlier call in a case's history, as a function call. */
    public static Call earlierCall(ScenarioCase c) {
        return c.agentTools() ? AGENT_EARLIER_CALL : EARLIER_CALL;
    }

    /** The result of a case's earlier call. */
    public static String earlierResult(ScenarioCase c) {
        return c.agentTools() ? AGENT_EARLIER_RESULT : EARLIER_RESULT;
    }

    /** The calls a tool answer makes, as function calls. */
    public static List<Call> calls(ScenarioCase c) {
        return c.agentTools() ? AGENT_CALLS : CALLS;
    }

    /** The cached input tokens the upstream reports in a case. */
    public static long cachedTokens(ScenarioCase c) {
        return c == ScenarioCase.CACHED_USAGE ? CACHED_CASE_CACHED_TOKENS : CACHED_TOKENS;
    }

    /** The text the upstream answers in a case (none for tool answers). */
    public static String answer(ScenarioCase c) {
        return c == ScenarioCase.JSON_MODE ? JSON_ANSWER : c.toolAnswer() ? "" : ANSWER;
    }

    /**
     * The conversation a case sends upstream, one line per turn, in a form every upstream side can produce from its
     * own wire shape: {@code system: <text>}, {@code user: <text>}, {@code user: <text> [image <media type>
     * <base64>]}, {@code assistant: <text>}, {@code assistant: [call <name> <arguments JSON>]}, {@code tool: <result>}.
     * JSON texts appear as compact JSON.
     */
    public static List<String> transcript(ScenarioCase c) {
        List<String> lines = new java.util.ArrayList<>();
        if (c == ScenarioCase.SYSTEM_PROMPT) {
            lines.add("system: " + SYSTEM);
        }
        if (c == ScenarioCase.MULTI_TURN) {
            lines.add("user: " + EARLIER_QUESTION);
            lines.add("assistant: " + EARLIER_ANSWER);
        }
        if (c.toolRequest()) {
            lines.add("user: " + TOOL_QUESTION);
            lines.add("assistant: [call " + earlierCall(c).name() + " " + earlierCall(c).arguments() + "]");
            lines.add("tool: " + earlierResult(c));
        }
        if (c == ScenarioCase.IMAGE) {
            lines.add("user: " + IMAGE_QUESTION + " [image " + IMAGE_MEDIA_TYPE + " " + IMAGE_BASE64 + "]");
        } else {
            lines.add("user: " + QUESTION);
        }
        return lines;
    }

    /** A tool definition; {@code schema} is the JSON schema of its arguments. */
    public record Tool(String name, String description, String schema) {
    }

    /** A tool call; {@code arguments} is a JSON text. */
    public record Call(String id, String name, String arguments) {
    }
}
