package dev.tokenledger.wire.openai;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.testing.Golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden-file tests of {@link OpenAiResponsesRequests} (client requests in) and {@link OpenAiResponsesResponses} (answers out). */
class OpenAiResponsesMappersTest {

    private static final String DIR = "openai-responses/";
    private static final String CALL_1 = "call_9pXjR2mQe7LkT4sVb1NcD8aZ";
    private static final String CALL_2 = "call_3HwYt6UoP0qZfG5eKx2MnJ7r";

    // ---- request: wire to canonical ----

    @Test
    void basicRequestToCanonical() {
        ChatRequest r = OpenAiResponsesRequests.toCanonical(Golden.bytes(DIR + "request-basic.json"));

        assertEquals("gpt-4.1-mini", r.model());
        assertEquals(List.of(
                new Message("system", List.of(new ContentPart.Text("You are a terse geography tutor.")), List.of(), null,
                        null),
                new Message("user", List.of(new ContentPart.Text("Which city is Australia's capital?")), List.of(), null,
                        null)),
                r.messages());
        assertEquals(256, r.maxTokens());
        assertEquals(0.2, r.temperature());
        assertEquals(0.9, r.topP());
        assertEquals("user-4821", r.user());
        assertFalse(r.stream());
        assertEquals(Map.of("store", false, "metadata", Map.of("team", "search")), r.extra());
        assertEquals(WireFormat.OPENAI_RESPONSES, r.source().format());
    }

    @Test
    void itemsRequestToCanonical() {
        ChatRequest r = OpenAiResponsesRequests.toCanonical(Golden.bytes(DIR + "request-items.json"));

        assertEquals(List.of("system", "developer", "user", "assistant", "tool", "tool"),
                r.messages().stream().map(Message::role).toList());
        assertEquals("You are a travel assistant. Use the tools for live data.", r.messages().get(0).text());
        assertEquals(List.of(new ContentPart.Text("Answer in metric units.")), r.messages().get(1).content());
        List<ContentPart> user = r.messages().get(2).content();
        assertEquals(new ContentPart.Image(
                "https://upload.wikimedia.org/wikipedia/commons/thumb/3/3f/Fronalpstock_big.jpg/800px-Fronalpstock_big.jpg",
                null, null, "high"), user.get(1));
        assertEquals(new ContentPart.Image(null, "image/png",
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "low"),
                user.get(2));
        Message assistant = r.messages().get(3);
        assertEquals(new ContentPart.Reasoning("**Planning tool calls** Two independent lookups: weather and local time.",
                "rs_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b",
                "gAAAAABor0AyVv3qGs0Q8b1bBf3d9YxQW6kq2p3yG8Q1t0xvXK5d4h2e", "openai"), assistant.content().get(0));
        assertEquals("Both are Alpine views; the second is a placeholder pixel. Let me look up the rest.", assistant.text());
        Golden.assertWeatherAndTimeExchange(r, 3, CALL_1, CALL_2);

        assertEquals(2, r.tools().size());
        assertEquals(new ToolSpec("get_local_time", "Get the local time in a time zone.",
                Map.of("type", "object", "properties", Map.of("timezone", Map.of("type", "string"))), false),
                r.tools().get(1));
        assertEquals(Boolean.TRUE, r.tools().get(0).strict());
        assertEquals("auto", r.toolChoice());
        assertEquals(Boolean.TRUE, r.parallelToolCalls());
        assertEquals(1024, r.maxTokens());
        assertEquals("json_schema", r.responseFormat().get("type"));
        assertEquals("travel_answer", ((Map<?, ?>) r.responseFormat().get("json_schema")).get("name"));
        assertEquals(new ChatRequest.Reasoning("medium", null), r.reasoning());
        assertTrue(r.stream());
        assertTrue(r.includeUsage(), "a Responses stream always ends with its usage");
        assertEquals(List.of("text", "reasoning", "include", "store"), List.copyOf(r.extra().keySet()));
    }

    /** The translation the gateway performs for every Responses client: the outbound OpenAI chat body. */
    @Test
    void itemsRequestTranslatedToOpenAiChat() {
        ChatRequest r = OpenAiResponsesRequests.toCanonical(Golden.bytes(DIR + "request-items.json"));
        GoldenOutput.assertJson(DIR + "request-items.chat.json", OpenAiChatRequests.toWire(r, "o4-mini-2025-04-16"));
    }

    @Test
    void forcedFunctionToolChoiceAndJsonObjectMode() {
        ChatRequest r = OpenAiResponsesRequests.toCanonical(json("{'model':'m','input':'hi',"
                + "'tool_choice':{'type':'function','name':'get_weather'},'text':{'format':{'type':'json_object'}}}"));
        assertEquals(Map.of("type", "function", "function", Map.of("name", "get_weather")), r.toolChoice());
        assertEquals(Map.of("type", "json_object"), r.responseFormat());
        assertNull(OpenAiResponsesRequests.toCanonical(json("{'model':'m','input':'hi','text':{'format':{'type':'text'}}}"))
                .responseFormat());
    }

    @Test
    void functionCallOutputWithPartsAndItemsWithoutType() {
        ChatRequest r = OpenAiResponsesRequests.toCanonical(json("{'model':'m','input':[{'role':'user','content':'hi'},"
                + "{'type':'function_call','call_id':'c1','name':'f','arguments':''},"
                + "{'type':'function_call_output','call_id':'c1','output':[{'type':'input_text','text':'done'}]}]}"));
        assertEquals(List.of(new ToolCall("c1", "f", "")), r.messages().get(1).toolCalls());
        assertEquals(List.of(), r.messages().get(1).content());
        assertEquals(new Message("tool", List.of(new ContentPart.Text("done")), List.of(), "c1", null), r.messages().get(2));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "previous_response_id | {'model':'m','input':'hi','previous_response_id':42}",
            "conversation         | {'model':'m','input':'hi','conversation':'conv_123'}",
            "prompt               | {'model':'m','prompt':{'id':'pmpt_1'},'input':'hi'}",
            "background           | {'model':'m','input':'hi','background':true}",
            "tools[1].type        | {'model':'m','input':'hi','tools':[{'type':'function','name':'f'},{'type':'web_search'}],'tool_choice':'required'}",
            "tool_choice          | {'model':'m','input':'hi','tool_choice':{'type':'web_search_preview'}}",
            "input[0]             | {'model':'m','input':[{'type':'item_reference','id':'msg_1'}]}",
            "input[0].type        | {'model':'m','input':[{'type':'web_search_call','id':'ws_1'}]}",
            "input[0].content[0].file_id | {'model':'m','input':[{'role':'user','content':[{'type':'input_image','file_id':'file-1'}]}]}",
            "input[0].content[0].type | {'model':'m','input':[{'role':'user','content':[{'type':'input_file','file_id':'file-1'}]}]}",
            "input[0].role        | {'model':'m','input':[{'role':'tool','content':'x'}]}",
            "input                | {'model':'m'}",
            "model                | {'input':'hi'}",
            "text.format.type     | {'model':'m','input':'hi','text':{'format':{'type':'grammar'}}}"})
    void untranslatableOrInvalidFieldsAreA400NamingTheField(String param, String body) {
        assertRefused(OpenAiResponsesRequests::toCanonical, param, body);
    }

    /** The mapper refuses the body (single-quoted JSON) with an invalid-request error naming the field. */
    static void assertRefused(java.util.function.Consumer<byte[]> mapper, String param, String body) {
        GatewayError e = assertThrows(GatewayError.class, () -> mapper.accept(json(body)));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertEquals(param, e.param(), e.getMessage());
    }

    @Test
    void storeAndBackgroundFalseAreAccepted() {
        ChatRequest r = OpenAiResponsesRequests.toCanonical(
                json("{'model':'m','input':'hi','store':true,'background':false,'previous_response_id':null}"));
        assertEquals(true, r.extra().get("store"));
    }

    // ---- request: canonical to wire ----

    // ---- response: canonical to wire (what a Responses client receives) ----

    /** A chat answer with tool calls; one with text, cached and reasoning usage. */
    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({"chat-response-tool-calls.json, response-tool-calls.json", "chat-response-basic.json, response-basic.json"})
    void chatAnswerAsAResponse(String chat, String response) {
        GoldenOutput.assertChatAnswerAs(chat, DIR + response, OpenAiResponsesResponses::toWire);
    }

    @ParameterizedTest
    @CsvSource({"length, incomplete, max_output_tokens", "content_filter, incomplete, content_filter",
            "stop, completed, ", "tool_calls, completed, "})
    void finishReasonsMapToStatusAndIncompleteDetails(String reason, String status, String incomplete) {
        ChatResponse chat = new ChatResponse("chatcmpl-1", "m", 1, List.of(new ChatResponse.Choice(0,
                new Message("assistant", List.of(new ContentPart.Text("x")), List.of(), null, null), reason)),
                null, null);
        JsonNode wire = Golden.tree(OpenAiResponsesResponses.toWire(chat));
        assertEquals(status, wire.get("status").asText());
        assertEquals(incomplete == null ? "null" : incomplete, wire.path("incomplete_details").path("reason").asText("null"));
        assertEquals("resp_chatcmpl-1", wire.get("id").asText());
    }

    @Test
    void foreignReasoningSignaturesAreNotGivenToAResponsesClient() {
        ChatResponse anthropic = new ChatResponse("msg_1", "claude", 1, List.of(new ChatResponse.Choice(0,
                new Message("assistant", List.of(new ContentPart.Reasoning("thinking…", "sig-abc", null, "anthropic"),
                        new ContentPart.Text("Hi")), List.of(), null, null),
                "stop")), null, null);
        JsonNode item = Golden.tree(OpenAiResponsesResponses.toWire(anthropic)).at("/output/0");
        assertEquals("reasoning", item.get("type").asText());
        assertEquals("thinking…", item.at("/content/0/text").asText());
        assertFalse(item.toString().contains("sig-abc"));
    }

    // ---- response: wire to canonical (an upstream's answer) ----

    static byte[] json(String singleQuoted) {
        return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }
}
