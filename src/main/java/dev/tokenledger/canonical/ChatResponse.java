package dev.tokenledger.canonical;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A complete (non-streamed) chat answer.
 *
 * @param extra response fields the canonical model does not name, as plain JSON values
 */
public record ChatResponse(String id, String model, long created, List<Choice> choices, Usage usage,
        Map<String, Object> extra) {

    public ChatResponse {
        choices = choices == null ? List.of() : List.copyOf(choices);
        // JSON null is a legitimate value of an unknown field, so no Map.copyOf here
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * One alternative answer.
     *
     * @param finishReason canonical reason: {@code stop}, {@code length}, {@code tool_calls}, {@code content_filter},
     *        or null when unknown
     */
    public record Choice(int index, Message message, String finishReason) {
    }
}
