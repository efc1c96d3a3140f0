package dev.tokenledger.scenario;

import java.util.List;

/**
 * What a client received, normalized: the suite compares it with {@link Script}.
 *
 * @param text the answer text, concatenated over a stream
 * @param calls the tool calls, arguments reassembled
 * @param finish the finish reason in canonical terms: {@code stop}, {@code length}, {@code tool_calls}, or null
 * @param promptTokens all input tokens reported, cached included (formats that report them apart are summed)
 * @param cachedTokens cached input tokens reported
 * @param completionTokens output tokens reported
 * @param error for an error answer: its type in canonical terms ({@code rate_limit}, {@code invalid_request},
 *        {@code upstream}, …) read from the format's error shape; null for an answer
 * @param errorMessage the error's message, or null
 */
public record Observed(String text, List<Script.Call> calls, String finish, long promptTokens, long cachedTokens,
        long completionTokens, String error, String errorMessage) {

    public static Observed error(String type, String message) {
        return new Observed("", List.of(), null, 0, 0, 0, type, message);
    }
}
