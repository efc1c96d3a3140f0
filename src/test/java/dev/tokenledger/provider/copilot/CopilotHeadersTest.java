package dev.tokenledger.provider.copilot;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.Message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The per-request headers of Copilot: who initiated the turn, whether it holds an image, the request id. */
class CopilotHeadersTest {

    private static ChatRequest request(Message... messages) {
        return new ChatRequest("gpt-4o", List.of(messages), null, null, null, null, null, null, null, null, false,
                false, null, null, null);
    }

    private static Message text(String role) {
        return new Message(role, List.of(new ContentPart.Text("hi")), null, null, null);
    }

    @Test
    void aUserTurnIsUserAndAnAssistantOrToolTurnIsAgent() {
        Map<String, String> base = Map.of("Editor-Version", "vscode/1");
        Map<String, String> user = CopilotProvider.perRequest(base, request(text("system"), text("user")), "r-1");
        assertEquals("user", user.get("X-Initiator"));
        assertEquals("r-1", user.get("X-Request-Id"));
        assertEquals("vscode/1", user.get("Editor-Version"));
        assertFalse(user.containsKey("Copilot-Vision-Request"));
        assertEquals("agent", CopilotProvider.perRequest(base, request(text("user"), text("tool")), "r-2")
                .get("X-Initiator"));
        assertEquals("agent", CopilotProvider.perRequest(base, request(text("user"), text("assistant")), "r-3")
                .get("X-Initiator"));
    }

    @Test
    void anImageMakesAVisionRequest() {
        Message image = new Message("user", List.of(new ContentPart.Text("what is this?"),
                new ContentPart.Image("https://example.com/cat.png", null, null, null)), null, null, null);
        assertEquals("true", CopilotProvider.perRequest(Map.of(), request(image), "r-4").get("Copilot-Vision-Request"));
    }
}
