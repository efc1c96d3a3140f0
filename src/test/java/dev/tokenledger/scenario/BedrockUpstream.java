package dev.tokenledger.scenario;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.tokenledger.stream.EventStreamFrame;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.testing.SigV4Verifier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.tokenledger.scenario.OpenAiUpstream.compactJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An Amazon Bedrock upstream ({@code bedrock} type, Converse API): answers in Converse JSON and ConverseStream event
 * frames, and verifies every request's SigV4 signature with the test key ({@link SigV4Verifier}, independent of the
 * SDK signer the gateway uses). The model is a cross-region inference profile id, so its {@code :} is percent-encoded
 * in the path and encoded twice in the signature.
 */
class BedrockUpstream implements UpstreamSide {

    private static final String MODEL = "us.anthropic.sc-model-v1:0";
    private static final String PATH = "/sc-bedrock/model/us.anthropic.sc-model-v1%3A0/";

    @Override
    public String type() {
        return "bedrock";
    }

    @Override
    public String upstreamModel() {
        return MODEL;
    }

    @Override
    public Map<String, String> providerConfig(String wireMockBaseUrl) {
        return Map.of("base-url", wireMockBaseUrl + "/sc-bedrock", "api-key",
                SigV4Verifier.KEY_ID + ":" + SigV4Verifier.SECRET + ":sc-session-token", "options.region", "eu-west-3");
    }

    @Override
    public MappingBuilder stub(ScenarioCase c) {
        MappingBuilder post = post(urlPathMatching("/sc-bedrock/model/[^/]+/converse(-stream)?"));
        if (c == ScenarioCase.UPSTREAM_ERROR) {
            return post.willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                    .withHeader("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/")
                    .withBody("{\"message\":\"" + Script.ERROR_MESSAGE + "\"}"));
        }
        if (c.streamed()) {
            return post.willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/vnd.amazon.eventstream").withBody(stream(c)));
        }
        ObjectNode answer = Golden.MAPPER.createObjectNode();
        ObjectNode message = answer.putObject("output").putObject("message").put("role", "assistant");
        ArrayNode content = message.putArray("content");
        if (c.toolAnswer()) {
            for (Script.Call call : Script.calls(c)) {
                content.addObject().putObject("toolUse").put("toolUseId", call.id()).put("name", call.name())
                        .set("input", Golden.tree(OpenAiChatClient.bytes(call.arguments())));
            }
        } else {
            content.addObject().put("text", Script.answer(c));
        }
        answer.put("stopReason", c.toolAnswer() ? "tool_use" : "end_turn");
        answer.set("usage", usage(c));
        answer.putObject("metrics").put("latencyMs", 321);
        return post.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(Golden.write(answer)));
    }

    /** Converse usage: inputTokens excludes the cache read. */
    private static ObjectNode usage(ScenarioCase c) {
        long cached = Script.cachedTokens(c);
        return Golden.MAPPER.createObjectNode().put("inputTokens", Script.PROMPT_TOKENS - cached)
                .put("outputTokens", Script.COMPLETION_TOKENS)
                .put("totalTokens", Script.PROMPT_TOKENS + Script.COMPLETION_TOKENS).put("cacheReadInputTokens", cached)
                .put("cacheWriteInputTokens", 0);
    }

    private static byte[] stream(ScenarioCase c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frame(out, "messageStart", Golden.MAPPER.createObjectNode().put("role", "assistant"));
        if (c.toolAnswer()) {
            for (int i = 0; i < Script.calls(c).size(); i++) {
                Script.Call call = Script.calls(c).get(i);
                ObjectNode start = Golden.MAPPER.createObjectNode().put("contentBlockIndex", i);
                start.putObject("start").putObject("toolUse").put("toolUseId", call.id()).put("name", call.name());
                frame(out, "contentBlockStart", start);
                int half = call.arguments().length() / 2;
                for (String fragment : List.of(call.arguments().substring(0, half), call.arguments().substring(half))) {
                    ObjectNode delta = Golden.MAPPER.createObjectNode().put("contentBlockIndex", i);
                    delta.putObject("delta").putObject("toolUse").put("input", fragment);
                    frame(out, "contentBlockDelta", delta);
                }
                frame(out, "contentBlockStop", Golden.MAPPER.createObjectNode().put("contentBlockIndex", i));
            }
        } else {
            String answer = Script.answer(c);
            int cut = answer.length() / 2;
            for (String fragment : List.of(answer.substring(0, cut), answer.substring(cut))) {
                ObjectNode delta = Golden.MAPPER.createObjectNode().put("contentBlockIndex", 0);
                delta.putObject("delta").put("text", fragment);
                frame(out, "contentBlockDelta", delta);
            }
            frame(out, "contentBlockStop", Golden.MAPPER.createObjectNode().put("contentBlockIndex", 0));
        }
        frame(out, "messageStop", Golden.MAPPER.createObjectNode().put("stopReason", c.toolAnswer() ? "tool_use" : "end_turn"));
        ObjectNode metadata = Golden.MAPPER.createObjectNode();
        metadata.set("usage", usage(c));
        metadata.putObject("metrics").put("latencyMs", 321);
        frame(out, "metadata", metadata);
        return out.toByteArray();
    }

    private static void frame(ByteArrayOutputStream out, String type, ObjectNode payload) {
        out.writeBytes(EventStreamFrame.event(type, Golden.write(payload))
                .encode());
    }

    @Override
    public void assertOutbound(ScenarioCase c, LoggedRequest request) {
        String path = URI.create(request.getAbsoluteUrl()).getRawPath();
        assertEquals(PATH + (c.streamed() ? "converse-stream" : "converse"), path);
        Map<String, String> headers = new java.util.HashMap<>();
        request.getHeaders().all().forEach(h -> headers.put(h.key(), h.firstValue()));
        assertEquals("sc-session-token", request.getHeader("X-Amz-Security-Token"));
        assertNull(SigV4Verifier.problem("POST", path, headers, request.getBody(), "eu-west-3", "bedrock"),
                "the signature verifies with the test key: " + headers);
        JsonNode body = Golden.tree(request.getBody());
        assertFalse(body.has("model"), "the model is in the path: " + body);
        assertEquals(Script.transcript(c), transcript(body));
        if (c.toolRequest()) {
            List<String> names = new ArrayList<>();
            for (JsonNode tool : body.path("toolConfig").path("tools")) {
                names.add(tool.path("toolSpec").path("name").asText());
                assertEquals("object", tool.path("toolSpec").path("inputSchema").path("json").path("type").asText());
            }
            assertEquals(Script.tools(c).stream().map(Script.Tool::name).toList(), names);
        } else {
            assertFalse(body.has("toolConfig"), body.toString());
        }
        if (c == ScenarioCase.JSON_MODE) {
            JsonNode format = body.path("outputConfig").path("textFormat");
            assertEquals("json_schema", format.path("type").asText(), body.toString());
            // Converse takes the schema as a JSON string
            assertEquals("object", Golden.tree(format.at("/structure/jsonSchema/schema").asText()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)).path("type").asText(), body.toString());
        } else {
            assertFalse(body.has("outputConfig"), body.toString());
        }
    }

    /** The Converse system and messages as {@link Script#transcript} lines; tool results must answer earlier calls. */
    static List<String> transcript(JsonNode body) {
        List<String> lines = new ArrayList<>();
        if (body.has("system")) {
            StringBuilder text = new StringBuilder();
            body.get("system").forEach(b -> text.append(b.path("text").asText()));
            lines.add("system: " + text);
        }
        List<String> callIds = new ArrayList<>();
        for (JsonNode m : body.path("messages")) {
            StringBuilder line = new StringBuilder();
            String image = "";
            for (JsonNode block : m.path("content")) {
                if (block.has("text")) {
                    line.append(block.get("text").asText());
                } else if (block.has("image")) {
                    image = " [image image/" + block.get("image").path("format").asText() + " "
                            + block.get("image").path("source").path("bytes").asText() + "]";
                } else if (block.has("toolUse")) {
                    callIds.add(block.get("toolUse").path("toolUseId").asText());
                    line.append("[call ").append(block.get("toolUse").path("name").asText()).append(' ')
                            .append(block.get("toolUse").path("input").toString()).append(']');
                } else if (block.has("toolResult")) {
                    assertTrue(callIds.contains(block.get("toolResult").path("toolUseId").asText()),
                            "a tool result refers to an earlier call: " + body);
                    lines.add("tool: " + compactJson(block.get("toolResult").path("content").path(0).path("text").asText()));
                }
            }
            if (!line.isEmpty() || !image.isEmpty()) {
                lines.add(m.path("role").asText() + ": " + line + image);
            }
        }
        return lines;
    }
}
