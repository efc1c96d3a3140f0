package dev.tokenledger.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.stream.SseDecoder;
import dev.tokenledger.stream.SseEvent;
import dev.tokenledger.testing.Golden;

/**
 * A client of the Gemini API ({@code models/{model}:generateContent}, {@code :streamGenerateContent?alt=sse}) as
 * Google's SDKs send and read it: key in {@code x-goog-api-key}, function calls without ids.
 */
final class GeminiClient implements ClientSide {

    @Override
    public String name() {
        return "gemini";
    }

    @Override
    public String authHeader() {
        return "x-goog-api-key";
    }

    /** Gemini clients get the upstream's ids when it has them, but never the ids the gateway made up. */
    @Override
    public boolean showsToolCallIds() {
        return false;
    }

    @Override
    public Request request(ScenarioCase c, String model) {
        ObjectNode root = Golden.MAPPER.createObjectNode();
        if (c == ScenarioCase.SYSTEM_PROMPT) {
            root.putObject("systemInstruction").putArray("parts").addObject().put("text", Script.SYSTEM);
        }
        ArrayNode contents = root.putArray("contents");
        if (c == ScenarioCase.MULTI_TURN) {
            turn(contents, "user").addObject().put("text", Script.EARLIER_QUESTION);
            turn(contents, "model").addObject().put("text", Script.EARLIER_ANSWER);
        }
        if (c.toolRequest()) {
            turn(contents, "user").addObject().put("text", Script.TOOL_QUESTION);
            ObjectNode call = turn(contents, "model").addObject().putObject("functionCall");
            call.put("name", Script.earlierCall(c).name()).set("args", json(Script.earlierCall(c).arguments()));
            ObjectNode result = turn(contents, "user").addObject().putObject("functionResponse");
            result.put("name", Script.earlierCall(c).name()).set("response", json(Script.earlierResult(c)));
            ArrayNode declarations = root.putArray("tools").addObject().putArray("functionDeclarations");
            for (Script.Tool tool : Script.tools(c)) {
                declarations.addObject().put("name", tool.name()).put("description", tool.description())
                        .set("parametersJsonSchema", json(tool.schema()));
            }
        }
        ArrayNode parts = turn(contents, "user");
        if (c == ScenarioCase.IMAGE) {
            parts.addObject().put("text", Script.IMAGE_QUESTION);
            parts.addObject().putObject("inlineData").put("mimeType", Script.IMAGE_MEDIA_TYPE).put("data",
                    Script.IMAGE_BASE64);
        } else {
            parts.addObject().put("text", Script.QUESTION);
        }
        if (c == ScenarioCase.JSON_MODE) {
            root.putObject("generationConfig").put("responseMimeType", "application/json");
        }
        String path = "/v1beta/models/" + model + (c.streamed() ? ":streamGenerateContent?alt=sse" : ":generateContent");
        return new Request(path, Map.of("Content-Type", "application/json"), Golden.write(root));
    }

    private static ArrayNode turn(ArrayNode contents, String role) {
        return contents.addObject().put("role", role).putArray("parts");
    }

    private static JsonNode json(String text) {
        return Golden.tree(OpenAiChatClient.bytes(text));
    }

    @Override
    public Observed read(ScenarioCase c, int status, byte[] body) {
        if (status != 200) {
            return error(Golden.tree(body));
        }
        if (!c.streamed()) {
            return observed(List.of(Golden.tree(body)));
        }
        List<JsonNode> chunks = new ArrayList<>();
        List<String> bare = new ArrayList<>();
        new SseDecoder(1 << 20, 1 << 22).otherLines(bare::add).feed(body,
                (SseEvent e) -> chunks.add(Golden.tree(OpenAiChatClient.bytes(e.data()))));
        if (!bare.isEmpty()) {
            return error(Golden.tree(OpenAiChatClient.bytes(String.join("\n", bare))));
        }
        return observed(chunks);
    }

    private static Observed error(JsonNode root) {
        JsonNode error = root.path("error");
        String type = switch (error.path("status").asText()) {
            case "RESOURCE_EXHAUSTED" -> "rate_limit";
            case "INVALID_ARGUMENT" -> "invalid_request";
            case "UNAUTHENTICATED" -> "authentication";
            default -> "upstream";
        };
        return Observed.error(type, error.path("message").asText());
    }

    /** The answer of one response or of a stream's chunks: text and calls concatenated, the last usage and reason. */
    private static Observed observed(List<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        List<Script.Call> calls = new ArrayList<>();
        String reason = null;
        JsonNode usage = Golden.MAPPER.createObjectNode();
        for (JsonNode chunk : chunks) {
            JsonNode candidate = chunk.path("candidates").path(0);
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.path("thought").asBoolean(false)) {
                    continue;
                }
                text.append(part.path("text").asText(""));
                JsonNode call = part.get("functionCall");
                if (call != null) {
                    calls.add(new Script.Call(call.path("id").asText(null), call.path("name").asText(),
                            call.path("args").toString()));
                }
            }
            reason = candidate.hasNonNull("finishReason") ? candidate.get("finishReason").asText() : reason;
            usage = chunk.path("usageMetadata").isObject() ? chunk.get("usageMetadata") : usage;
        }
        if (reason == null) {
            return Observed.error("truncated", "no candidate finished");
        }
        String finish = !calls.isEmpty() ? "tool_calls" : reason.equals("MAX_TOKENS") ? "length" : "stop";
        return new Observed(text.toString(), calls, finish,
                usage.path("promptTokenCount").asLong() + usage.path("toolUsePromptTokenCount").asLong(),
                usage.path("cachedContentTokenCount").asLong(),
                usage.path("candidatesTokenCount").asLong() + usage.path("thoughtsTokenCount").asLong(), null, null);
    }
}
