package dev.tokenledger.canonical;

import java.util.List;

/**
 * One conversation turn.
 *
 * @param role {@code system}, {@code developer}, {@code user}, {@code assistant} or {@code tool}
 * @param content the parts of the content, empty when the turn only carries tool calls
 * @param toolCalls calls the assistant made, empty if none
 * @param toolCallId for a {@code tool} turn, the id of the call this answers
 * @param name an optional participant name
 */
public record Message(String role, List<ContentPart> content, List<ToolCall> toolCalls, String toolCallId, String name) {

    public Message {
        content = content == null ? List.of() : List.copyOf(content);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** The text of all text parts, joined. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (ContentPart part : content) {
            if (part instanceof ContentPart.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }
}
