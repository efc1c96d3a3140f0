package dev.tokenledger.wire;

import java.util.ArrayList;
import java.util.List;

import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;

/**
 * The system prompt of the formats that hold it apart from the turns (Anthropic's {@code system}, Converse's
 * {@code system} blocks, Kiro's text before the first turn): the text of the {@code system} and {@code developer}
 * messages, wherever they stand, in order.
 */
public final class SystemPrompts {

    private SystemPrompts() {
    }

    /** Whether a message instructs the model ({@code system} or {@code developer}) rather than taking a turn. */
    public static boolean isSystem(Message m) {
        return "system".equals(m.role()) || "developer".equals(m.role());
    }

    /**
     * The text parts of the system and developer messages, in order.
     *
     * @param upstream the upstream named when a part is not text, e.g. "an Anthropic upstream"
     * @throws GatewayError invalid when a system or developer message holds anything but text
     */
    public static List<String> texts(List<Message> messages, String upstream) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (!isSystem(m)) {
                continue;
            }
            for (ContentPart part : m.content()) {
                if (!(part instanceof ContentPart.Text t)) {
                    throw GatewayError.invalid("messages[" + i + "].content", "Only text can be part of a system prompt "
                            + "for " + upstream + " ('messages[" + i + "].content').");
                }
                texts.add(t.text());
            }
        }
        return texts;
    }
}
