package dev.tokenledger.wire.ollama;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
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
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.wire.openai.OpenAiChatRequests;
import dev.tokenledger.wire.openai.OpenAiChatResponses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden-file tests of {@link OllamaChatRequests}, {@link OllamaChatResponses} and {@link OllamaErrors}. */
class OllamaChatMappersTest {

    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

    private static ChatRequest openAi(String json) {
        return OpenAiChatRequests.toCanonical(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode ollamaWire(ChatRequest request) {
        return Golden.tree(OllamaChatRequests.toWire(request, "llama3.2"));
    }

    private static GatewayError invalid(ChatRequest request) {
        GatewayError e = assertThrows(GatewayError.class, () -> OllamaChatRequests.toWire(request, "llama3.2"));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        return e;
    }

    // ---- request: Ollama client to canonical ----

    @Test
    void basicRequestToCanonical() {
        ChatRequest r = OllamaChatRequests.toCanonical(Golden.bytes("ollama/chat-request-basic.json"));

        assertEquals("llama3.2", r.model());
        assertEquals(List.of("system", "user"), r.messages().stream().map(Message::role).toList());
        assertEquals("What is the capital of Australia?", r.messages().get(1).text());
        assertEquals(256, r.maxTokens());
        assertEquals(0.2, r.temperature());
        assertEquals(0.9, r.topP());
        assertEquals(List.of("\n\n", "END"), r.stop());
        assertFalse(r.stream());
        assertNull(r.reasoning());
        assertNull(r.responseFormat());
        assertEquals(Map.of("keep_alive", "5m", "options", Map.of("seed", 42, "num_ctx", 8192)), r.extra());
        assertEquals(WireFormat.OLLAMA, r.source().format());
    }

    @Test
    void toolsRequestToCanonicalGivesCallsIdsAndResultsTheIdOfTheCallTheyAnswer() {
        ChatRequest r = OllamaChatRequests.toCanonical(Golden.bytes("ollama/chat-request-tools.json"));

        assertTrue(r.stream(), "Ollama streams when the request does not say");
        Message user = r.messages().get(1);
        assertEquals(new ContentPart.Image(null, "image/png", PNG, null), user.content().get(1));
        Message assistant = r.messages().get(2);
        assertEquals(List.of(new ContentPart.Reasoning("Two independent lookups: weather for Paris, local time for Tokyo.",
                null, null, "ollama")), assistant.content());
        assertEquals(List.of(new ToolCall("call_2_0", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}"),
                new ToolCall("call_2_1", "get_local_time", "{\"timezone\":\"Asia/Tokyo\"}")), assistant.toolCalls());
        assertEquals("call_2_0", r.messages().get(3).toolCallId());
        assertEquals("call_2_1", r.messages().get(4).toolCallId());
        assertEquals("get_local_time", r.messages().get(4).name());
        assertEquals(List.of("get_weather", "get_local_time"), r.tools().stream().map(t -> t.name()).toList());
        assertEquals("json_schema", r.responseFormat().get("type"));
        assertEquals(new ChatRequest.Reasoning("low", null), r.reasoning());
    }

    @Test
    void twoResultsOfTheSameToolAnswerItsCallsInOrder() {
        ChatRequest r = OllamaChatRequests.toCanonical(("{'model':'m','messages':[{'role':'assistant','tool_calls':["
                + "{'function':{'name':'f','arguments':{'a':1}}},{'function':{'name':'f','arguments':{'a':2}}}]},"
                + "{'role':'tool','tool_name':'f','content':'1'},{'role':'tool','tool_name':'f','content':'2'}]}")
                .replace('\'', '"').getBytes(StandardCharsets.UTF_8));
        assertEquals("call_0_0", r.messages().get(1).toolCallId());
        assertEquals("call_0_1", r.messages().get(2).toolCallId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{'model':'m'}", "{'model':'m','messages':[]}", "{'model':'m','messages':[{'role':'bot'}]}",
            "{'model':'m','messages':[{'role':'user','content':['x']}]}",
            "{'model':'m','messages':[{'role':'user','images':'abc'}]}",
            "{'model':'m','messages':[{'role':'user','content':'x'}],'think':'max'}",
            "{'model':'m','messages':[{'role':'user','content':'x'}],'format':'yaml'}",
            "{'model':'m','messages':[{'role':'user','content':'x'}],'stream':'yes'}",
            "{'model':'m','messages':[{'role':'user','content':'x'}],'options':[1]}",
            "{'model':'m','messages':[{'role':'user','content':'x'}],'options':{'stop':{'a':'b'}}}",
            "{'model':'m','messages':[{'role':'user','content':'x'}],'options':{'stop':42}}"})
    void malformedOllamaRequestsAreInvalid(String body) {
        GatewayError e = assertThrows(GatewayError.class,
                () -> OllamaChatRequests.toCanonical(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
    }

    // ---- request: canonical to Ollama upstream ----

    @Test
    void anOllamaRequestIsForwardedWithOnlyTheModelAndAnExplicitStreamChanged() {
        ChatRequest r = OllamaChatRequests.toCanonical(Golden.bytes("ollama/chat-request-tools.json"));
        ObjectNode expected = Golden.json("ollama/chat-request-tools.json");
        expected.put("model", "llama3.2").put("stream", true);
        assertEquals(expected, ollamaWire(r));
        assertEquals(Golden.json("ollama/chat-request-tools.json"), r.source().body(), "the source body is untouched");
    }

    @Test
    void anOpenAiToolConversationBecomesOllamaJson() {
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.bytes("openai/chat-request-tools.json"));
        assertEquals(Golden.json("ollama/chat-request-from-openai-tools.json"),
                Golden.tree(OllamaChatRequests.toWire(r, "qwen3:8b")));
    }

    @Test
    void samplingJsonModeReasoningAndBase64ImagesAreTranslated() {
        ChatRequest r = openAi("{'model':'x','stream':true,'messages':[{'role':'developer','content':'Be brief.'},"
                + "{'role':'user','content':[{'type':'text','text':'What is this?'},"
                + "{'type':'image_url','image_url':{'url':'data:image/png;base64," + PNG + "'}}]}],"
                + "'max_tokens':64,'temperature':0.7,'top_p':0.5,'stop':'END','seed':7,'presence_penalty':0.5,"
                + "'response_format':{'type':'json_object'},'reasoning_effort':'minimal','user':'u-1','store':false}");
        assertEquals(Golden.tree(("{'model':'llama3.2','stream':true,'messages':[{'role':'system','content':'Be brief.'},"
                + "{'role':'user','content':'What is this?','images':['" + PNG + "']}],'format':'json',"
                + "'options':{'num_predict':64,'temperature':0.7,'top_p':0.5,'stop':['END'],'seed':7,"
                + "'presence_penalty':0.5},'think':'low'}").replace('\'', '"').getBytes(StandardCharsets.UTF_8)),
                ollamaWire(r));
    }

    @Test
    void aJsonSchemaBecomesTheFormatAndReasoningOffBecomesThinkFalse() {
        ChatRequest r = openAi("{'model':'x','messages':[{'role':'user','content':'hi'}],'reasoning_effort':'none',"
                + "'response_format':{'type':'json_schema','json_schema':{'name':'a','schema':{'type':'object'}}}}");
        JsonNode wire = ollamaWire(r);
        assertEquals(Golden.MAPPER.createObjectNode().put("type", "object"), wire.get("format"));
        assertFalse(wire.get("think").asBoolean());
        assertFalse(wire.get("stream").asBoolean(), "stream is always explicit");
    }

    @Test
    void thinkingOfTheAssistantIsSentBackOnlyWhenNoForeignSignatureIsAttached() {
        Message assistant = new Message("assistant", List.of(new ContentPart.Reasoning("mine", null, null, "ollama"),
                new ContentPart.Reasoning("signed", "sig", null, "anthropic"), new ContentPart.Text("Hi")), List.of(), null,
                null);
        ChatRequest r = new ChatRequest("x", List.of(new Message("user", List.of(new ContentPart.Text("hi")), List.of(),
                null, null), assistant), null, null, null, null, null, null, null, null, false, false, null, null, null);
        JsonNode wire = ollamaWire(r).get("messages").get(1);
        assertEquals("mine", wire.get("thinking").asText());
        assertEquals("Hi", wire.get("content").asText());
    }

    @Test
    void emptyArgumentsAreAnEmptyObjectAndToolChoiceNoneDropsTheTools() {
        ChatRequest r = openAi("{'model':'x','messages':[{'role':'assistant','content':null,'tool_calls':[{'id':'c1',"
                + "'type':'function','function':{'name':'now','arguments':''}}]},{'role':'tool','tool_call_id':'c1',"
                + "'content':'12:00'}],'tools':[{'type':'function','function':{'name':'now'}}],'tool_choice':'none'}");
        JsonNode wire = ollamaWire(r);
        assertEquals(Golden.MAPPER.createObjectNode(),
                wire.get("messages").get(0).get("tool_calls").get(0).get("function").get("arguments"));
        assertEquals("now", wire.get("messages").get(1).get("tool_name").asText());
        assertFalse(wire.has("tools"));
    }

    @Test
    void anImageUrlIsRefusedNamingThePart() {
        ChatRequest r = openAi("{'model':'x','messages':[{'role':'user','content':[{'type':'text','text':'a'},"
                + "{'type':'image_url','image_url':{'url':'https://example.com/cat.png'}}]}]}");
        GatewayError e = invalid(r);
        assertEquals("messages[0].content[1]", e.param());
        assertTrue(e.getMessage().contains("base64"), e.getMessage());
    }

    @Test
    void whatOllamaCannotExpressIsRefusedNamingTheField() {
        String tools = ",'tools':[{'type':'function','function':{'name':'f'}}]";
        String messages = "'messages':[{'role':'user','content':'hi'}]";
        assertEquals("tool_choice", invalid(openAi("{'model':'x'," + messages + tools + ",'tool_choice':'required'}")).param());
        assertEquals("tool_choice", invalid(openAi("{'model':'x'," + messages + tools
                + ",'tool_choice':{'type':'function','function':{'name':'f'}}}")).param());
        assertEquals("parallel_tool_calls",
                invalid(openAi("{'model':'x'," + messages + tools + ",'parallel_tool_calls':false}")).param());
        assertEquals("n", invalid(openAi("{'model':'x'," + messages + ",'n':2}")).param());
        assertEquals("logprobs", invalid(openAi("{'model':'x'," + messages + ",'logprobs':true}")).param());
        assertEquals("logit_bias", invalid(openAi("{'model':'x'," + messages + ",'logit_bias':{'1':5}}")).param());
        assertEquals("response_format",
                invalid(openAi("{'model':'x'," + messages + ",'response_format':{'type':'grammar'}}")).param());
        assertEquals("messages[0].tool_calls[0].function.arguments", invalid(openAi("{'model':'x','messages':[{'role':"
                + "'assistant','tool_calls':[{'id':'c','type':'function','function':{'name':'f','arguments':'[1]'}}]}]}"))
                .param());
        assertEquals("messages[0].tool_call_id",
                invalid(openAi("{'model':'x','messages':[{'role':'tool','tool_call_id':'nope','content':'1'}]}")).param());
    }

    // ---- responses ----

    @Test
    void basicResponseToCanonical() {
        ChatResponse c = OllamaChatResponses.toCanonical(Golden.bytes("ollama/chat-response-basic.json"));
        assertEquals("llama3.2", c.model());
        assertEquals(1760001271L, c.created());
        assertEquals("chatcmpl-ollama-1760001271962", c.id());
        assertEquals("The capital of Australia is Canberra.", c.choices().get(0).message().text());
        assertEquals("stop", c.choices().get(0).finishReason());
        assertEquals(new Usage(26, 0, 0, 9, 0, Usage.Source.PROVIDER), c.usage());
        assertEquals(new Usage(26, 0, 0, 9, 0, Usage.Source.PROVIDER),
                OllamaChatResponses.usage(Golden.bytes("ollama/chat-response-basic.json")));
    }

    @Test
    void toolCallResponseToCanonicalAndOnToAnOpenAiClient() {
        ChatResponse c = OllamaChatResponses.toCanonical(Golden.bytes("ollama/chat-response-tool-calls.json"));
        Message m = c.choices().get(0).message();
        assertEquals("tool_calls", c.choices().get(0).finishReason(), "done_reason stop with tool calls");
        assertEquals(List.of(new ToolCall("call_0", "get_weather", "{\"city\":\"São Paulo\",\"unit\":\"celsius\"}"),
                new ToolCall("call_1", "get_local_time", "{\"timezone\":\"America/Sao_Paulo\"}")), m.toolCalls());
        assertEquals(new ContentPart.Reasoning("Two independent lookups: weather for São Paulo, local time there.", null,
                null, "ollama"), m.content().get(0));

        JsonNode openAi = Golden.tree(OpenAiChatResponses.toWire(c));
        JsonNode call = openAi.at("/choices/0/message/tool_calls/0");
        assertEquals("call_0", call.get("id").asText());
        assertEquals("{\"city\":\"São Paulo\",\"unit\":\"celsius\"}", call.at("/function/arguments").asText());
        assertEquals("tool_calls", openAi.at("/choices/0/finish_reason").asText());
        assertEquals(412, openAi.at("/usage/prompt_tokens").asInt());
        assertEquals(470, openAi.at("/usage/total_tokens").asInt());
    }

    @Test
    void aMissingCountMakesUsagePartialAndLengthIsKept() {
        ChatResponse c = OllamaChatResponses.toCanonical(Golden.bytes("ollama/chat-response-cached-prompt.json"));
        assertEquals(new Usage(0, 0, 0, 3, 0, Usage.Source.PROVIDER_PARTIAL), c.usage());
        assertEquals("length", c.choices().get(0).finishReason());
        assertNull(OllamaUsage.read(Golden.tree("{\"done\":true}".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void anOpenAiAnswerBecomesAnOllamaAnswer() {
        ChatResponse c = OpenAiChatResponses.toCanonical(Golden.bytes("openai/chat-response-tool-calls.json"));
        JsonNode wire = Golden.tree(OllamaChatResponses.toWire(c));
        assertTrue(wire.get("done").asBoolean());
        assertEquals("stop", wire.get("done_reason").asText(), "tool calls end with stop in Ollama");
        JsonNode arguments = wire.at("/message/tool_calls/0/function/arguments");
        assertTrue(arguments.isObject(), "arguments are an object: " + wire);
        assertEquals(c.usage().promptTokens(), wire.get("prompt_eval_count").asLong());
        assertEquals(c.usage().completionTokens(), wire.get("eval_count").asLong());
        assertEquals(c.model(), wire.get("model").asText());
    }

    @Test
    void aMalformedAnswerIsAnUpstreamError() {
        GatewayError e = assertThrows(GatewayError.class,
                () -> OllamaChatResponses.toCanonical("{\"done\":true}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ErrorKind.UPSTREAM_ERROR, e.kind());
    }

    // ---- errors ----

    @Test
    void errorsBothWays() {
        assertEquals("model \"llama3.2\" not found, try pulling it first",
                OllamaErrors.message(Golden.bytes("ollama/error-model-not-found.json")));
        assertNull(OllamaErrors.message("not json".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"error\":\"Bad \\\"x\\\"\"}", new String(
                OllamaErrors.encode(GatewayError.invalid("x", "Bad \"x\"")), StandardCharsets.UTF_8));
    }
}
