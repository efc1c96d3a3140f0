package dev.tokenledger.wire.openai;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.canonical.ToolSpec;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.testing.Golden;

import static dev.tokenledger.testing.Chunks.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden-file tests of {@link OpenAiChatRequests} and {@link OpenAiChatResponses}. */
class OpenAiChatMappersTest {

    private static final String UPSTREAM = "upstream-model";

    // ---- request: wire to canonical ----

    @Test
    void basicRequestToCanonical() {
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.bytes("openai/chat-request-basic.json"));

        assertEquals("gpt-4o-mini", r.model());
        assertEquals(Golden.BASIC_MESSAGES, r.messages());
        assertEquals(0.2, r.temperature());
        assertEquals(0.9, r.topP());
        assertEquals(256, r.maxTokens(), "max_tokens is used when max_completion_tokens is absent");
        assertEquals(List.of("\n\n", "END"), r.stop());
        assertEquals("user-4821", r.user());
        assertFalse(r.stream());
        assertFalse(r.includeUsage());
        assertEquals(List.of(), r.tools());
        assertNull(r.toolChoice());
        assertNull(r.parallelToolCalls());
        assertNull(r.responseFormat());
        assertEquals(Map.of(), r.extra());
        assertEquals(WireFormat.OPENAI_CHAT, r.source().format());
    }

    @Test
    void toolsRequestToCanonicalKeepsToolCallIds() {
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.bytes("openai/chat-request-tools.json"));

        assertEquals(List.of("developer", "user", "assistant", "tool", "tool"),
                r.messages().stream().map(Message::role).toList());
        Message assistant = r.messages().get(2);
        assertEquals(List.of(), assistant.content(), "content null is no content");
        Golden.assertWeatherAndTimeExchange(r, 2, "call_9pXjR2mQe7LkT4sVb1NcD8aZ", "call_3HwYt6UoP0qZfG5eKx2MnJ7r");

        assertEquals(2, r.tools().size());
        ToolSpec weather = r.tools().get(0);
        assertEquals("get_weather", weather.name());
        assertEquals("Get the current weather for a city.", weather.description());
        assertEquals(Boolean.TRUE, weather.strict());
        assertEquals(List.of("city", "unit"), weather.parameters().get("required"));
        assertEquals(Boolean.FALSE, weather.parameters().get("additionalProperties"));
        assertEquals(Map.of("type", "string", "enum", List.of("celsius", "fahrenheit")),
                ((Map<?, ?>) weather.parameters().get("properties")).get("unit"));
        ToolSpec time = r.tools().get(1);
        assertEquals("get_local_time", time.name());
        assertNull(time.strict());

        assertEquals("auto", r.toolChoice());
        assertEquals(Boolean.TRUE, r.parallelToolCalls());
        assertEquals(1024, r.maxTokens());
        assertEquals(Map.of(), r.extra());
    }

    @Test
    void imageRequestToCanonicalDistinguishesUrlAndInlineData() {
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.bytes("openai/chat-request-image.json"));

        assertEquals(1, r.messages().size());
        assertEquals(List.of(
                new ContentPart.Text("Compare these two images. What changed?"),
                new ContentPart.Image(
                        "https://upload.wikimedia.org/wikipedia/commons/thumb/3/3f/Fronalpstock_big.jpg/800px-Fronalpstock_big.jpg",
                        null, null, "high"),
                new ContentPart.Image(null, "image/png",
                        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
                        "low")),
                r.messages().get(0).content());
        assertEquals(List.of("###"), r.stop(), "a single stop string becomes a one-element list");
        assertEquals(300, r.maxTokens());
    }

    @Test
    void unknownFieldsAreKeptInExtra() {
        ObjectNode golden = Golden.json("openai/chat-request-unknown-fields.json");
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.bytes("openai/chat-request-unknown-fields.json"));

        ObjectNode expectedExtra = golden.deepCopy();
        expectedExtra.remove(List.of("model", "messages", "stream", "stream_options", "reasoning_effort"));
        assertEquals(expectedExtra, Golden.MAPPER.valueToTree(r.extra()));
        assertEquals(new ChatRequest.Reasoning("low", null), r.reasoning(), "reasoning_effort is a canonical field");
        assertEquals(Map.of("50256", -100, "1734", 5), r.extra().get("logit_bias"));
        assertEquals(42, r.extra().get("seed"));
        assertEquals("faq-v3", r.extra().get("prompt_cache_key"));
        assertEquals(Map.of("team", "search", "ticket", "TL-1432"), r.extra().get("metadata"));
        assertTrue(r.extra().containsKey("x_future_field"));

        assertTrue(r.stream());
        assertFalse(r.includeUsage(), "stream_options without include_usage");
        // the audio part has no canonical form: only the text part is mapped, the source body keeps both
        assertEquals(List.of(new ContentPart.Text("Transcribe and answer the question in this clip.")),
                r.messages().get(0).content());
    }

    @Test
    void unknownFieldsSetToNullAreAcceptedAndForwarded() {
        // clients that serialize unset options as null (e.g. "seed": null) send valid OpenAI requests
        byte[] body = json("{'model':'m','messages':[{'role':'user','content':'hi'}],'seed':null,'metadata':null,"
                + "'logit_bias':{'50256':-100}}");
        ChatRequest r = OpenAiChatRequests.toCanonical(body);

        assertEquals(Map.of("50256", -100), r.extra().get("logit_bias"));
        assertTrue(r.extra().containsKey("seed") && r.extra().get("seed") == null, "a null unknown field is kept as null");
        ObjectNode expected = (ObjectNode) Golden.tree(body);
        expected.put("model", UPSTREAM);
        assertEquals(expected, Golden.tree(OpenAiChatRequests.toWire(r, UPSTREAM)));
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() {
        ChatRequest r = OpenAiChatRequests.toCanonical(json(
                "{'model':'m','messages':[{'role':'user','content':'hi'}],'max_tokens':100,'max_completion_tokens':2000}"));
        assertEquals(2000, r.maxTokens());
    }

    @Test
    void noMaxTokensIsNull() {
        assertNull(OpenAiChatRequests.toCanonical(json("{'model':'m','messages':[{'role':'user','content':'hi'}]}"))
                .maxTokens());
    }

    @Test
    void includeUsageIsReadFromStreamOptions() {
        ChatRequest r = OpenAiChatRequests.toCanonical(json(
                "{'model':'m','messages':[{'role':'user','content':'hi'}],'stream':true,'stream_options':{'include_usage':true}}"));
        assertTrue(r.stream());
        assertTrue(r.includeUsage());
    }

    @Test
    void toolChoiceObjectAndResponseFormatBecomePlainMaps() {
        ChatRequest r = OpenAiChatRequests.toCanonical(json("{'model':'m','messages':[{'role':'user','content':'hi'}],"
                + "'tool_choice':{'type':'function','function':{'name':'get_weather'}},"
                + "'response_format':{'type':'json_schema','json_schema':{'name':'x','strict':true,'schema':{'type':'object'}}}}"));
        assertEquals(Map.of("type", "function", "function", Map.of("name", "get_weather")), r.toolChoice());
        assertEquals(Map.of("type", "json_schema", "json_schema",
                Map.of("name", "x", "strict", true, "schema", Map.of("type", "object"))), r.responseFormat());
    }

    @Test
    void nonFunctionToolsAreSkippedInCanonicalButKeptInTheSourceBody() {
        byte[] body = json("{'model':'m','messages':[{'role':'user','content':'hi'}],"
                + "'tools':[{'type':'custom','custom':{'name':'grammar'}},{'type':'function','function':{'name':'f'}}]}");
        ChatRequest r = OpenAiChatRequests.toCanonical(body);
        assertEquals(List.of(new ToolSpec("f", null, null, null)), r.tools());
        assertEquals(Golden.tree(body).get("tools"),
                Golden.tree(OpenAiChatRequests.toWire(r, UPSTREAM)).get("tools"));
    }

    // ---- request: canonical to wire ----

    @ParameterizedTest
    @ValueSource(strings = {"chat-request-basic.json", "chat-request-tools.json", "chat-request-image.json"})
    void toWireOfAnOpenAiRequestChangesOnlyTheModel(String file) {
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.bytes("openai/" + file));

        ObjectNode expected = Golden.json("openai/" + file);
        expected.put("model", UPSTREAM);
        assertEquals(expected, Golden.tree(OpenAiChatRequests.toWire(r, UPSTREAM)));
    }

    @Test
    void toWireOfAStreamKeepsUnknownFieldsAndTheClientsStreamOptionsAndAddsIncludeUsage() {
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.bytes("openai/chat-request-unknown-fields.json"));

        ObjectNode expected = Golden.json("openai/chat-request-unknown-fields.json");
        expected.put("model", UPSTREAM);
        ((ObjectNode) expected.get("stream_options")).put("include_usage", true);
        JsonNode wire = Golden.tree(OpenAiChatRequests.toWire(r, UPSTREAM));
        assertEquals(expected, wire);
        assertEquals(Golden.MAPPER.createObjectNode().put("include_obfuscation", false).put("include_usage", true),
                wire.get("stream_options"));
        // the part without canonical form is still sent
        assertEquals("input_audio", wire.at("/messages/0/content/1/type").asText());
    }

    @Test
    void toWireOfAStreamWithoutStreamOptionsAddsThem() {
        ObjectNode body = Golden.json("openai/chat-request-basic.json");
        body.put("stream", true);
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.write(body));

        ObjectNode expected = body.deepCopy();
        expected.put("model", UPSTREAM);
        expected.putObject("stream_options").put("include_usage", true);
        assertEquals(expected, Golden.tree(OpenAiChatRequests.toWire(r, UPSTREAM)));
    }

    @Test
    void toWireOfAStreamOverridesIncludeUsageFalseAndNullStreamOptions() {
        for (String options : List.of("{'include_usage':false}", "null")) {
            ChatRequest r = OpenAiChatRequests.toCanonical(json(
                    "{'model':'m','messages':[{'role':'user','content':'hi'}],'stream':true,'stream_options':" + options
                            + "}"));
            assertFalse(r.includeUsage(), options);
            assertEquals(Golden.tree(json("{'include_usage':true}")),
                    Golden.tree(OpenAiChatRequests.toWire(r, UPSTREAM)).get("stream_options"), options);
        }
    }

    @Test
    void toWireOfANonStreamDoesNotAddStreamOptions() {
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.bytes("openai/chat-request-basic.json"));
        assertFalse(Golden.tree(OpenAiChatRequests.toWire(r, UPSTREAM)).has("stream_options"));
    }

    @Test
    void toWireDoesNotChangeTheSourceBody() {
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.bytes("openai/chat-request-unknown-fields.json"));
        byte[] first = OpenAiChatRequests.toWire(r, "a");
        OpenAiChatRequests.toWire(r, "b");
        assertEquals(Golden.json("openai/chat-request-unknown-fields.json"), r.source().body());
        assertEquals("a", Golden.tree(first).get("model").asText());
    }

    @Test
    void toWireFromACanonicalRequestBuildsOpenAiJson() {
        ChatRequest r = new ChatRequest("team-default",
                List.of(
                        new Message("system", List.of(new ContentPart.Text("You extract structured data from receipts.")),
                                List.of(), null, null),
                        new Message("user", List.of(
                                new ContentPart.Text("What is on this receipt?"),
                                new ContentPart.Image("https://files.example.com/receipts/8841.jpg", null, null, "high"),
                                new ContentPart.Image(null, "image/jpeg",
                                        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8U", null)),
                                List.of(), null, "alice"),
                        new Message("assistant", List.of(),
                                List.of(new ToolCall("call_Qm3vT8rX1kP5nB2wZ7yL4sJ0", "lookup_merchant",
                                        "{\"name\":\"Café Olé\"}")),
                                null, null),
                        new Message("tool", List.of(new ContentPart.Text("{\"category\":\"restaurant\",\"city\":\"Lyon\"}")),
                                List.of(), "call_Qm3vT8rX1kP5nB2wZ7yL4sJ0", null)),
                List.of(new ToolSpec("lookup_merchant", "Look up a merchant by its name.",
                        Map.of("type", "object", "properties", Map.of("name", Map.of("type", "string")), "required",
                                List.of("name")),
                        true)),
                Map.of("type", "function", "function", Map.of("name", "lookup_merchant")),
                false, 512, 0.7, 0.9, List.of("END"), Map.of("type", "json_object"), true, true, "user-77", Map.of(), null);

        assertEquals(Golden.json("openai/chat-request-from-canonical.json"),
                Golden.tree(OpenAiChatRequests.toWire(r, UPSTREAM)));
    }

    @Test
    void toWireFromAMinimalCanonicalRequest() {
        ChatRequest r = new ChatRequest("alias", List.of(new Message("user", List.of(new ContentPart.Text("hi")), List.of(),
                null, null)), null, null, null, null, null, null, null, null, false, false, null, null, null);
        assertEquals(Golden.tree(json("{'model':'upstream-model','messages':[{'role':'user','content':'hi'}]}")),
                Golden.tree(OpenAiChatRequests.toWire(r, UPSTREAM)));
    }

    // ---- response ----

    @Test
    void basicResponseRoundTrip() {
        ChatResponse c = OpenAiChatResponses.toCanonical(Golden.bytes("openai/chat-response-basic.json"));

        assertEquals("chatcmpl-C1aB2cD3eF4gH5iJ6kL7mN8oP9qR", c.id());
        assertEquals("o4-mini-2025-04-16", c.model());
        assertEquals(1760000000L, c.created());
        assertEquals(1, c.choices().size());
        assertEquals("The capital of Australia is Canberra, not Sydney.", c.choices().get(0).message().text());
        assertEquals("stop", c.choices().get(0).finishReason());
        assertEquals(new Usage(1342, 1152, 0, 187, 128, Usage.Source.PROVIDER), c.usage());

        JsonNode wire = Golden.tree(OpenAiChatResponses.toWire(c));
        assertEquals("chatcmpl-C1aB2cD3eF4gH5iJ6kL7mN8oP9qR", wire.get("id").asText());
        assertEquals("chat.completion", wire.get("object").asText());
        assertEquals(1760000000L, wire.get("created").asLong());
        assertEquals("o4-mini-2025-04-16", wire.get("model").asText());
        assertEquals(0, wire.at("/choices/0/index").asInt());
        assertEquals("assistant", wire.at("/choices/0/message/role").asText());
        assertEquals("The capital of Australia is Canberra, not Sydney.", wire.at("/choices/0/message/content").asText());
        assertEquals("stop", wire.at("/choices/0/finish_reason").asText());
        assertEquals(Golden.tree(json("{'prompt_tokens':1342,'completion_tokens':187,'total_tokens':1529,"
                + "'prompt_tokens_details':{'cached_tokens':1152},'completion_tokens_details':{'reasoning_tokens':128}}")),
                wire.get("usage"));
        // fields the canonical response does not name travel in extra
        assertEquals("default", wire.get("service_tier").asText());
        assertTrue(wire.path("system_fingerprint").isNull() || wire.path("system_fingerprint").isMissingNode());
    }

    @Test
    void toolCallResponseRoundTrip() {
        ObjectNode golden = Golden.json("openai/chat-response-tool-calls.json");
        ChatResponse c = OpenAiChatResponses.toCanonical(Golden.bytes("openai/chat-response-tool-calls.json"));

        Message m = c.choices().get(0).message();
        assertEquals("assistant", m.role());
        assertEquals(List.of(), m.content());
        assertEquals(List.of(
                new ToolCall("call_9pXjR2mQe7LkT4sVb1NcD8aZ", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}"),
                new ToolCall("call_3HwYt6UoP0qZfG5eKx2MnJ7r", "get_local_time", "{\"timezone\":\"Asia/Tokyo\"}")),
                m.toolCalls());
        assertEquals("tool_calls", c.choices().get(0).finishReason());
        assertEquals(new Usage(412, 256, 0, 58, 0, Usage.Source.PROVIDER), c.usage());

        JsonNode wire = Golden.tree(OpenAiChatResponses.toWire(c));
        assertEquals(golden.at("/choices/0/message/tool_calls"), wire.at("/choices/0/message/tool_calls"));
        assertTrue(wire.at("/choices/0/message/content").isNull());
        assertEquals("tool_calls", wire.at("/choices/0/finish_reason").asText());
        assertEquals(Golden.tree(json("{'prompt_tokens':412,'completion_tokens':58,'total_tokens':470,"
                + "'prompt_tokens_details':{'cached_tokens':256}}")), wire.get("usage"));
        assertEquals("fp_51e1070cf2", wire.get("system_fingerprint").asText());
    }

    @Test
    void responseUsageFastPath() {
        assertEquals(new Usage(1342, 1152, 0, 187, 128, Usage.Source.PROVIDER),
                OpenAiChatResponses.usage(Golden.bytes("openai/chat-response-basic.json")));
        assertNull(OpenAiChatResponses.usage(json("{'id':'x','choices':[]}")));
        assertNull(OpenAiChatResponses.usage("not json".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void usageReadsCacheWriteTokensAndWritesThemBack() {
        Usage u = OpenAiUsage.read(Golden.tree(json("{'prompt_tokens':100,'completion_tokens':10,'total_tokens':110,"
                + "'prompt_tokens_details':{'cached_tokens':20,'cache_write_tokens':30}}")));
        assertEquals(new Usage(100, 20, 30, 10, 0, Usage.Source.PROVIDER), u);
        assertEquals(Golden.tree(json("{'prompt_tokens':100,'completion_tokens':10,'total_tokens':110,"
                + "'prompt_tokens_details':{'cached_tokens':20,'cache_write_tokens':30}}")),
                Golden.tree(Golden.write(OpenAiUsage.write(u))));
        assertNull(OpenAiUsage.read(null));
        assertNull(OpenAiUsage.read(Golden.MAPPER.nullNode()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "{\"id\":\"x\"}", "{\"choices\":{}}"})
    void malformedUpstreamResponseIsAnUpstreamError(String body) {
        GatewayError e = assertThrows(GatewayError.class,
                () -> OpenAiChatResponses.toCanonical(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorKind.UPSTREAM_ERROR, e.kind());
        assertEquals("upstream_malformed_response", e.code());
    }

    // ---- request validation ----

    static Stream<Arguments> invalidRequests() {
        String msgs = "'messages':[{'role':'user','content':'hi'}]";
        return Stream.of(
                Arguments.of("{" + msgs + "}", "model"),
                Arguments.of("{'model':null," + msgs + "}", "model"),
                Arguments.of("{'model':'   '," + msgs + "}", "model"),
                Arguments.of("{'model':''," + msgs + "}", "model"),
                Arguments.of("{'model':42," + msgs + "}", "model"),
                Arguments.of("{'model':['gpt-4o']," + msgs + "}", "model"),
                Arguments.of("{'model':'m'}", "messages"),
                Arguments.of("{'model':'m','messages':null}", "messages"),
                Arguments.of("{'model':'m','messages':'hi'}", "messages"),
                Arguments.of("{'model':'m','messages':{'role':'user','content':'hi'}}", "messages"),
                Arguments.of("{'model':'m','messages':[]}", "messages"),
                Arguments.of("{'model':'m','messages':['hi']}", "messages[0]"),
                Arguments.of("{'model':'m','messages':[{'content':'hi'}]}", "messages[0].role"),
                Arguments.of("{'model':'m','messages':[{'role':1,'content':'hi'}]}", "messages[0].role"),
                Arguments.of("{'model':'m','messages':[{'role':'user','content':'hi'},{'role':'robot','content':'x'}]}",
                        "messages[1].role"),
                Arguments.of("{'model':'m','messages':[{'role':'User','content':'hi'}]}", "messages[0].role"),
                Arguments.of("{'model':'m','messages':[{'role':'user','content':42}]}", "messages[0].content"),
                Arguments.of("{'model':'m','messages':[{'role':'user','content':true}]}", "messages[0].content"),
                Arguments.of("{'model':'m','messages':[{'role':'user','content':{'type':'text','text':'hi'}}]}",
                        "messages[0].content"),
                Arguments.of("{'model':'m','messages':[{'role':'user','content':['hi']}]}", "messages[0].content[0]"),
                Arguments.of("{'model':'m','messages':[{'role':'user','content':[{'text':'hi'}]}]}",
                        "messages[0].content[0]"),
                Arguments.of("{'model':'m','messages':[{'role':'user','content':[{'type':'text'}]}]}",
                        "messages[0].content[0].text"),
                Arguments.of("{'model':'m','messages':[{'role':'user','content':[{'type':'text','text':7}]}]}",
                        "messages[0].content[0].text"),
                Arguments.of("{'model':'m','messages':[{'role':'user','content':[{'type':'image_url','image_url':{}}]}]}",
                        "messages[0].content[0].image_url.url"),
                Arguments.of("{'model':'m','messages':[{'role':'user','content':[{'type':'image_url'}]}]}",
                        "messages[0].content[0].image_url.url"),
                Arguments.of("{'model':'m','messages':[{'role':'user','content':[{'type':'image_url',"
                        + "'image_url':{'url':'data:image/png,abc'}}]}]}", "messages[0].content[0].image_url.url"),
                Arguments.of("{'model':'m','messages':[{'role':'assistant','tool_calls':{}}]}", "messages[0].tool_calls"),
                Arguments.of("{'model':'m','messages':[{'role':'assistant','tool_calls':[{'id':'c'}]}]}",
                        "messages[0].tool_calls[0]"),
                Arguments.of("{'model':'m','messages':[{'role':'assistant','tool_calls':['c']}]}",
                        "messages[0].tool_calls[0]"),
                Arguments.of("{'model':'m'," + msgs + ",'stream':'true'}", "stream"),
                Arguments.of("{'model':'m'," + msgs + ",'stream':1}", "stream"),
                Arguments.of("{'model':'m'," + msgs + ",'stream':true,'stream_options':true}", "stream_options"),
                Arguments.of("{'model':'m'," + msgs + ",'max_tokens':-1}", "max_tokens"),
                Arguments.of("{'model':'m'," + msgs + ",'max_tokens':1.5}", "max_tokens"),
                Arguments.of("{'model':'m'," + msgs + ",'max_tokens':'100'}", "max_tokens"),
                Arguments.of("{'model':'m'," + msgs + ",'max_tokens':3000000000}", "max_tokens"),
                Arguments.of("{'model':'m'," + msgs + ",'max_completion_tokens':-5}", "max_completion_tokens"),
                Arguments.of("{'model':'m'," + msgs + ",'temperature':'hot'}", "temperature"),
                Arguments.of("{'model':'m'," + msgs + ",'temperature':true}", "temperature"),
                Arguments.of("{'model':'m'," + msgs + ",'top_p':'0.9'}", "top_p"),
                Arguments.of("{'model':'m'," + msgs + ",'stop':42}", "stop"),
                Arguments.of("{'model':'m'," + msgs + ",'stop':['END',4]}", "stop"),
                Arguments.of("{'model':'m'," + msgs + ",'stop':{'a':'b'}}", "stop"),
                Arguments.of("{'model':'m'," + msgs + ",'tools':'get_weather'}", "tools"),
                Arguments.of("{'model':'m'," + msgs + ",'tools':{'type':'function'}}", "tools"),
                Arguments.of("{'model':'m'," + msgs + ",'tools':[{'type':'function'}]}", "tools[0].function"),
                Arguments.of("{'model':'m'," + msgs + ",'tools':[{'type':'function','function':{'description':'x'}}]}",
                        "tools[0].function"),
                Arguments.of("{'model':'m'," + msgs + ",'tools':['get_weather']}", "tools[0].function"),
                Arguments.of("{'model':'m'," + msgs + ",'parallel_tool_calls':'yes'}", "parallel_tool_calls"),
                Arguments.of("{'model':'m'," + msgs + ",'response_format':'json'}", "response_format"),
                Arguments.of("{'model':'m'," + msgs + ",'user':42}", "user"));
    }

    @ParameterizedTest(name = "[{index}] {1} <- {0}")
    @MethodSource("invalidRequests")
    void invalidRequestNamesTheParam(String body, String param) {
        GatewayError e = assertThrows(GatewayError.class, () -> OpenAiChatRequests.toCanonical(json(body)));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertEquals(param, e.param());
        assertEquals(400, e.httpStatus());
    }

    static Stream<Arguments> unparsableBodies() {
        String valid = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("whitespace only", utf8("  \n ")),
                Arguments.of("truncated object", utf8("{\"model\":\"m\",")),
                Arguments.of("not JSON", utf8("model=gpt-4o")),
                Arguments.of("single quotes", utf8("{'model':'m'}")),
                Arguments.of("trailing comma", utf8(valid + ",}")),
                Arguments.of("JSON array", utf8("[" + valid + "}]")),
                Arguments.of("JSON string", utf8("\"hello\"")),
                Arguments.of("JSON number", utf8("42")),
                Arguments.of("JSON null", utf8("null")),
                Arguments.of("invalid UTF-8 in a string", concat(utf8("{\"model\":\"m"), new byte[]{(byte) 0xC3, 0x28},
                        utf8("\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))),
                Arguments.of("lone continuation byte", concat(utf8("{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"h"), new byte[]{(byte) 0x80}, utf8("\"}]}"))),
                Arguments.of("nesting 257 deep", utf8(nested(257))),
                Arguments.of("nesting 10000 deep", utf8(nested(10_000))));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("unparsableBodies")
    void unparsableBodyIsAnInvalidRequest(String name, byte[] body) {
        GatewayError e = assertThrows(GatewayError.class, () -> OpenAiChatRequests.toCanonical(body));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertNull(e.param());
    }

    /** A body is one JSON value: whatever follows the object makes it malformed (OpenAI answers 400 too). */
    @ParameterizedTest(name = "[{index}] trailing {0}")
    @ValueSource(strings = {"} {\"model\":\"other\"}", "}garbage", "}]"})
    void trailingDataAfterTheObjectIsAnInvalidRequest(String trailer) {
        byte[] body = utf8("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + trailer);
        GatewayError e = assertThrows(GatewayError.class, () -> OpenAiChatRequests.toCanonical(body));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 256})
    void nestingWithinTheLimitIsAccepted(int depth) {
        ChatRequest r = OpenAiChatRequests.toCanonical(utf8(nested(depth)));
        assertTrue(r.extra().containsKey("metadata"));
    }

    @Test
    void everyUnparsableBodyFailsWithGatewayErrorOnly() {
        // a mix of hostile bodies: whatever goes wrong, the caller sees a GatewayError, never another exception
        List<byte[]> bodies = List.of(new byte[]{(byte) 0xFF, (byte) 0xFE}, utf8("{\"model\":"), utf8("{]"),
                utf8("{\"model\":\"m\",\"messages\":[null]}"), utf8("{\"model\":\"m\",\"messages\":[[]]}"),
                utf8("{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":[null]}]}"),
                utf8("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":5}]}]}"),
                utf8("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[null]}"));
        for (byte[] body : bodies) {
            Throwable t = assertThrows(Throwable.class, () -> OpenAiChatRequests.toCanonical(body),
                    new String(body, StandardCharsets.UTF_8));
            GatewayError e = assertInstanceOf(GatewayError.class, t, new String(body, StandardCharsets.UTF_8));
            assertSame(ErrorKind.INVALID_REQUEST, e.kind());
        }
    }

    // ---- helpers ----

    /** A request that is valid but for {@code depth} levels of nesting in total (the root object counts as one). */
    private static String nested(int depth) {
        int arrays = depth - 1;
        return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"metadata\":"
                + "[".repeat(arrays) + "]".repeat(arrays) + "}";
    }

    /** JSON written with single quotes for readability. */
    private static byte[] json(String singleQuoted) {
        return utf8(singleQuoted.replace('\'', '"'));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
