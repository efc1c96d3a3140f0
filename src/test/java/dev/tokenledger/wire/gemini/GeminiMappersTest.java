package dev.tokenledger.wire.gemini;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

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
import dev.tokenledger.json.Json;
import dev.tokenledger.testing.Golden;
import dev.tokenledger.wire.openai.OpenAiChatRequests;
import dev.tokenledger.wire.openai.OpenAiChatResponses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden-file tests of the Gemini request, response, usage and error mappers, in every direction. */
class GeminiMappersTest {

    private static final String SIGNATURE = "CiwBVKhc7nW2Zb6kE0tVr8eW2hQXh3L4mY0tAqw1fJd9sUo0P3c5aVu2gHk=";

    private static JsonNode tree(byte[] json) {
        return Golden.tree(json);
    }

    private static JsonNode tree(JsonNode node) {
        return Golden.tree(Json.write(node));
    }

    private static byte[] json(String singleQuoted) {
        return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    // ---- request: wire to canonical ----

    @Test
    void basicRequestToCanonical() {
        ChatRequest r = GeminiRequests.toCanonical(Golden.bytes("gemini/generate-request-basic.json"), "gemini-2.5-flash",
                false);

        assertEquals("gemini-2.5-flash", r.model());
        assertEquals(List.of(
                new Message("system", List.of(new ContentPart.Text("You are a concise assistant."),
                        new ContentPart.Text("Answer in one sentence.")), List.of(), null, null),
                new Message("user", List.of(new ContentPart.Text("What is the capital of Australia?")), List.of(), null,
                        null),
                new Message("assistant", List.of(new ContentPart.Text("The capital of Australia is Canberra.")), List.of(),
                        null, null),
                new Message("user", List.of(new ContentPart.Text("And of New Zealand?")), List.of(), null, null)),
                r.messages());
        assertEquals(0.2, r.temperature());
        assertEquals(0.9, r.topP());
        assertEquals(256, r.maxTokens());
        assertEquals(List.of("\n\n", "END"), r.stop());
        assertFalse(r.stream());
        assertNull(r.responseFormat());
        assertNull(r.reasoning());
        assertEquals(WireFormat.GEMINI, r.source().format());
        assertEquals(Map.of("topK", 40, "candidateCount", 1), r.extra().get("generationConfig"),
                "generation settings without a canonical field are kept");
        assertTrue(r.extra().containsKey("safetySettings"));
        assertNull(GeminiRequests.untranslatable(r), "topK, one candidate and safety settings may be dropped");
    }

    @Test
    void aRequestOfThisFormatIsForwardedAsItCame() {
        byte[] golden = Golden.bytes("gemini/generate-request-basic.json");
        ChatRequest r = GeminiRequests.toCanonical(golden, "alias", true);
        assertEquals(tree(golden), tree(GeminiRequests.toWire(r, "gemini-2.5-flash")));
        assertTrue(r.stream());
        assertTrue(r.includeUsage(), "Gemini streams always report usage");
    }

    @Test
    void toolsRequestToCanonicalSynthesizesIdsAndPairsResultsByName() {
        ChatRequest r = GeminiRequests.toCanonical(Golden.bytes("gemini/generate-request-tools.json"), "m", false);

        assertEquals(List.of("user", "assistant", "tool", "tool"), r.messages().stream().map(Message::role).toList());
        Message assistant = r.messages().get(1);
        List<ToolCall> calls = assistant.toolCalls();
        assertEquals(2, calls.size());
        assertTrue(GeminiToolIds.synthesized(calls.get(0).id()), calls.get(0).id());
        assertFalse(calls.get(0).id().equals(calls.get(1).id()));
        assertEquals("get_weather", calls.get(0).name());
        assertEquals("{\"city\":\"Paris\",\"unit\":\"celsius\"}", calls.get(0).arguments());
        assertEquals(List.of(new ContentPart.Reasoning(null, SIGNATURE, null, "gemini")), assistant.content(),
                "the call's thought signature is kept");
        assertEquals(calls.get(0).id(), r.messages().get(2).toolCallId());
        assertEquals("get_weather", r.messages().get(2).name());
        assertEquals("{\"temperature\":14,\"condition\":\"light rain\"}", r.messages().get(2).text());
        assertEquals(calls.get(1).id(), r.messages().get(3).toolCallId());
        assertEquals(calls, GeminiRequests.toCanonical(Golden.bytes("gemini/generate-request-tools.json"), "m", false)
                .messages().get(1).toolCalls(), "synthesized ids are stable");

        ToolSpec weather = r.tools().get(0);
        assertEquals("Get the current weather for a city.", weather.description());
        assertEquals(Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string", "description", "City name"),
                        "unit", Map.of("type", List.of("string", "null"), "enum", List.of("celsius", "fahrenheit"))),
                "required", List.of("city")), weather.parameters(), "an OpenAPI schema becomes a JSON schema");
        assertEquals(Boolean.FALSE, r.tools().get(1).parameters().get("additionalProperties"));
        assertEquals(Map.of("type", "function", "function", Map.of("name", "get_weather")), r.toolChoice());
        assertEquals(1024, r.maxTokens());
    }

    @Test
    void contentsSurviveTheRoundTripWithSignaturesOnTheirParts() {
        ObjectNode golden = Golden.json("gemini/generate-request-tools.json");
        ChatRequest r = GeminiRequests.toCanonical(Golden.bytes("gemini/generate-request-tools.json"), "m", false);
        assertEquals(golden.get("contents"), tree(GeminiContents.toWire(r.messages())),
                "synthesized ids are not sent to Gemini; results find their names again");
    }

    @Test
    void imagesJsonSchemaAndThinkingBudget() {
        ChatRequest r = GeminiRequests.toCanonical(Golden.bytes("gemini/generate-request-image.json"), "m", false);

        assertEquals(List.of(new ContentPart.Text("Compare these two images. What changed?"),
                new ContentPart.Image(null, "image/png",
                        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
                        null),
                new ContentPart.Image("https://generativelanguage.googleapis.com/v1beta/files/6dp1sy3fqv0k", "image/jpeg",
                        null, null)),
                r.messages().get(0).content());
        assertEquals(Map.of("type", "json_schema", "json_schema", Map.of("name", "response", "schema",
                Map.of("type", "object", "properties", Map.of("changes", Map.of("type", "array", "items",
                        Map.of("type", "string"))), "required", List.of("changes")))),
                r.responseFormat());
        assertEquals(new ChatRequest.Reasoning(null, 2048), r.reasoning());
    }

    @Test
    void snakeCaseFieldsAreAcceptedLikeCamelCase() {
        ChatRequest r = GeminiRequests.toCanonical(Golden.bytes("gemini/generate-request-snake-case.json"), "m", false);

        assertEquals("system", r.messages().get(0).role());
        assertEquals("Be brief.", r.messages().get(0).text());
        assertEquals(new ContentPart.Image(null, "image/webp", "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==", null),
                r.messages().get(1).content().get(1));
        assertEquals("none", r.toolChoice());
        assertEquals(64, r.maxTokens());
        assertEquals(0.5, r.topP());
        assertEquals(List.of("###"), r.stop());
        assertEquals(Map.of("type", "json_object"), r.responseFormat());
        assertEquals(new ChatRequest.Reasoning("low", null), r.reasoning());
        assertEquals(Map.of(), r.extra());
    }

    @Test
    void malformedRequestsNameTheField() {
        assertEquals("contents", invalid("{'contents':[]}").param());
        assertEquals("contents[0].parts[0].functionCall.name",
                invalid("{'contents':[{'role':'model','parts':[{'functionCall':{'args':{}}}]}]}").param());
        assertEquals("contents[0].role", invalid("{'contents':[{'role':'assistant','parts':[{'text':'x'}]}]}").param());
        assertEquals("generationConfig.maxOutputTokens",
                invalid("{'contents':[{'parts':[{'text':'x'}]}],'generationConfig':{'maxOutputTokens':'many'}}").param());
        assertEquals("toolConfig.functionCallingConfig.mode", invalid(
                "{'contents':[{'parts':[{'text':'x'}]}],'toolConfig':{'functionCallingConfig':{'mode':'SOMETIMES'}}}")
                .param());
    }

    private static GatewayError invalid(String body) {
        GatewayError e = assertThrows(GatewayError.class, () -> GeminiRequests.toCanonical(json(body), "m", false));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        return e;
    }

    @Test
    void geminiOnlyFeaturesCannotGoToAnotherFormat() {
        ChatRequest search = GeminiRequests.toCanonical(json(
                "{'contents':[{'parts':[{'text':'news?'}]}],'tools':[{'googleSearch':{}}]}"), "m", false);
        assertEquals("tools[0].googleSearch", GeminiRequests.untranslatable(search));
        ChatRequest candidates = GeminiRequests.toCanonical(json(
                "{'contents':[{'parts':[{'text':'x'}]}],'generationConfig':{'candidateCount':3}}"), "m", false);
        assertEquals("generationConfig.candidateCount", GeminiRequests.untranslatable(candidates));
        ChatRequest cached = GeminiRequests.toCanonical(json(
                "{'contents':[{'parts':[{'text':'x'}]}],'cachedContent':'cachedContents/abc'}"), "m", false);
        assertEquals("cachedContent", GeminiRequests.untranslatable(cached));
    }

    // ---- request: canonical to wire ----

    @Test
    void openAiToolConversationToGemini() {
        ChatRequest r = OpenAiChatRequests.toCanonical(Golden.bytes("openai/chat-request-tools.json"));
        assertEquals(tree(Golden.bytes("gemini/generate-request-from-openai-tools.json")),
                tree(GeminiRequests.toWire(r, "gemini-2.5-pro")));
    }

    @Test
    void openAiOptionsToGenerationConfig() {
        ChatRequest r = OpenAiChatRequests.toCanonical(json("{'model':'m','messages':[{'role':'user','content':"
                + "[{'type':'text','text':'hi'},{'type':'image_url','image_url':{'url':'https://example.com/cat.JPG?x=1'}}]}],"
                + "'temperature':1.5,'top_p':0.8,'stop':'END','seed':7,'n':2,'presence_penalty':0.5,"
                + "'response_format':{'type':'json_schema','json_schema':{'name':'x','schema':{'type':'object'}}},"
                + "'reasoning_effort':'high','tool_choice':'required','tools':[{'type':'function','function':{'name':'f'}}]}"));
        JsonNode body = tree(GeminiRequests.toWire(r, "gemini-3-pro"));
        assertEquals(tree(json("{'contents':[{'role':'user','parts':[{'text':'hi'},{'fileData':{'mimeType':'image/jpeg',"
                + "'fileUri':'https://example.com/cat.JPG?x=1'}}]}],'tools':[{'functionDeclarations':[{'name':'f'}]}],"
                + "'toolConfig':{'functionCallingConfig':{'mode':'ANY'}},'generationConfig':{'temperature':1.5,'topP':0.8,"
                + "'seed':7,'presencePenalty':0.5,'candidateCount':2,'stopSequences':['END'],"
                + "'responseMimeType':'application/json','responseJsonSchema':{'type':'object'},"
                + "'thinkingConfig':{'thinkingLevel':'HIGH'}}}")), body);
    }

    @Test
    void whatGeminiCannotExpressIsRefusedNamingTheField() {
        assertEquals("tool_call_id", refused("{'model':'m','messages':[{'role':'user','content':'hi'},"
                + "{'role':'tool','tool_call_id':'call_unknown','content':'42'}]}").param().replaceAll(".*\\.", ""));
        assertEquals("messages[0].content[0]", refused("{'model':'m','messages':[{'role':'user','content':"
                + "[{'type':'image_url','image_url':{'url':'https://example.com/render?id=7'}}]}]}").param());
        assertEquals("parallel_tool_calls", refused("{'model':'m','messages':[{'role':'user','content':'hi'}],"
                + "'parallel_tool_calls':false,'tools':[{'type':'function','function':{'name':'f'}}]}").param());
        assertEquals("response_format", refused("{'model':'m','messages':[{'role':'user','content':'hi'}],"
                + "'response_format':{'type':'grammar'}}").param());
        assertEquals("messages[1].tool_calls[0].function.arguments", refused("{'model':'m','messages':["
                + "{'role':'user','content':'hi'},{'role':'assistant','tool_calls':[{'id':'c','type':'function',"
                + "'function':{'name':'f','arguments':'[1,2]'}}]}]}").param());
    }

    private static GatewayError refused(String openAiBody) {
        ChatRequest r = OpenAiChatRequests.toCanonical(json(openAiBody));
        return assertThrows(GatewayError.class, () -> GeminiRequests.toWire(r, "m"));
    }

    @Test
    void aPlainTextToolResultIsWrappedAsOutput() {
        ChatRequest r = OpenAiChatRequests.toCanonical(json("{'model':'m','messages':[{'role':'user','content':'hi'},"
                + "{'role':'assistant','tool_calls':[{'id':'c1','type':'function','function':{'name':'f','arguments':''}}]},"
                + "{'role':'tool','tool_call_id':'c1','content':'sunny'}]}"));
        JsonNode contents = tree(GeminiRequests.toWire(r, "m")).get("contents");
        assertEquals(tree(json("{'functionCall':{'name':'f','args':{},'id':'c1'}}")), contents.get(1).get("parts").get(0));
        assertEquals(tree(json("{'functionResponse':{'name':'f','response':{'output':'sunny'},'id':'c1'}}")),
                contents.get(2).get("parts").get(0));
    }

    @Test
    void otherFamiliesReasoningIsDropped() {
        Message assistant = new Message("assistant", List.of(new ContentPart.Reasoning("hmm", "sig-a", null, "anthropic"),
                new ContentPart.Reasoning("thinking", SIGNATURE, null, "gemini"), new ContentPart.Text("Hi")), List.of(),
                null, null);
        assertEquals(tree(json("[{'text':'thinking','thought':true,'thoughtSignature':'" + SIGNATURE + "'},{'text':'Hi'}]")),
                tree(GeminiContents.partsToWire(assistant, "m")));
    }

    // ---- response ----

    @Test
    void basicResponseToCanonical() {
        ChatResponse r = GeminiResponses.toCanonical(Golden.bytes("gemini/generate-response-basic.json"));

        assertEquals("mAitaLmkHPPlz7IPvtfUqQ4", r.id());
        assertEquals("gemini-2.5-flash", r.model());
        assertEquals(1, r.choices().size());
        assertEquals("The capital of New Zealand is Wellington. 🙂", r.choices().get(0).message().text());
        assertEquals("stop", r.choices().get(0).finishReason());
        assertEquals(new Usage(1045, 1024, 0, 59, 48, Usage.Source.PROVIDER), r.usage(),
                "completion = candidates + thoughts; prompt includes the cached tokens");
        assertEquals(r.usage(), GeminiResponses.usage(Golden.bytes("gemini/generate-response-basic.json")));
    }

    @Test
    void toolCallResponseToCanonicalAndBack() {
        byte[] golden = Golden.bytes("gemini/generate-response-tool-calls.json");
        ChatResponse r = GeminiResponses.toCanonical(golden);

        ChatResponse.Choice choice = r.choices().get(0);
        assertEquals("tool_calls", choice.finishReason(), "function calls end in tool_calls whatever Gemini says");
        assertEquals(List.of(new ContentPart.Reasoning("The user wants weather and time; call both tools.", null, null,
                "gemini"), new ContentPart.Reasoning(null, SIGNATURE, null, "gemini")), choice.message().content());
        assertEquals(List.of("get_weather", "get_local_time"),
                choice.message().toolCalls().stream().map(ToolCall::name).toList());
        assertTrue(choice.message().toolCalls().stream().allMatch(c -> GeminiToolIds.synthesized(c.id())));
        assertEquals(new Usage(212, 0, 0, 106, 75, Usage.Source.PROVIDER), r.usage());

        ObjectNode expected = (ObjectNode) tree(golden);
        ((ObjectNode) expected.get("usageMetadata")).remove("promptTokensDetails");
        assertEquals(expected, tree(GeminiResponses.toWire(r)), "the answer is rebuilt as Gemini sent it");
    }

    @Test
    void openAiToolCallResponseToGemini() {
        ChatResponse r = OpenAiChatResponses.toCanonical(Golden.bytes("openai/chat-response-tool-calls.json"));
        assertEquals(tree(Golden.bytes("gemini/generate-response-from-openai-tool-calls.json")),
                tree(GeminiResponses.toWire(r)));
    }

    @Test
    void finishReasonsFollowTheTable() {
        assertEquals("length", GeminiResponses.finishToCanonical("MAX_TOKENS", false));
        assertEquals("content_filter", GeminiResponses.finishToCanonical("RECITATION", false));
        assertEquals("content_filter", GeminiResponses.finishToCanonical("IMAGE_SAFETY", false));
        assertEquals("stop", GeminiResponses.finishToCanonical("MALFORMED_FUNCTION_CALL", false));
        assertEquals("stop", GeminiResponses.finishToCanonical("SOMETHING_NEW", false));
        assertEquals("tool_calls", GeminiResponses.finishToCanonical("STOP", true));
        assertEquals("MAX_TOKENS", GeminiResponses.finishToWire("length"));
        assertEquals("SAFETY", GeminiResponses.finishToWire("content_filter"));
        assertEquals("STOP", GeminiResponses.finishToWire("tool_calls"));
    }

    @Test
    void aBlockedPromptIsAContentFilterFinish() {
        ChatResponse r = GeminiResponses.toCanonical(json("{'promptFeedback':{'blockReason':'SAFETY'},"
                + "'usageMetadata':{'promptTokenCount':8,'totalTokenCount':8},'modelVersion':'gemini-2.5-flash'}"));
        assertEquals("content_filter", r.choices().get(0).finishReason());
        assertEquals(8, r.usage().promptTokens());
    }

    @Test
    void malformedAnswersAreUpstreamErrors() {
        GatewayError e = assertThrows(GatewayError.class, () -> GeminiResponses.toCanonical(json(
                "{'candidates':[{'content':{'parts':[{'functionCall':{'args':{}}}]}}]}")));
        assertEquals(ErrorKind.UPSTREAM_ERROR, e.kind());
    }

    // ---- usage and errors ----

    @Test
    void toolUsePromptTokensArePromptTokens() {
        Usage u = GeminiUsage.read(tree(json("{'promptTokenCount':100,'toolUsePromptTokenCount':20,"
                + "'candidatesTokenCount':5,'totalTokenCount':125}")));
        assertEquals(new Usage(120, 0, 0, 5, 0, Usage.Source.PROVIDER,
                Usage.Detail.NONE.withToolPromptTokens(20)), u);
    }

    @Test
    void modalityCountsAreTheirPartsOfPromptCacheAndOutput() {
        Usage u = GeminiUsage.read(tree(json("{'promptTokenCount':1500,'cachedContentTokenCount':400,"
                + "'candidatesTokenCount':60,'thoughtsTokenCount':40,'promptTokensDetails':[{'modality':'TEXT',"
                + "'tokenCount':500},{'modality':'AUDIO','tokenCount':700},{'modality':'IMAGE','tokenCount':200},"
                + "{'modality':'VIDEO','tokenCount':100}],'cacheTokensDetails':[{'modality':'AUDIO','tokenCount':300}],"
                + "'candidatesTokensDetails':[{'modality':'IMAGE','tokenCount':50}]}")));
        assertEquals(new Usage(1500, 400, 0, 100, 40, Usage.Source.PROVIDER,
                new Usage.Detail(0, 700, 300, 200, 0, 100, 0, 0, 50, 0, null)), u);
    }

    @Test
    void errorsInGooglesShape() {
        JsonNode invalid = tree(GeminiErrors.encode(GatewayError.invalid("contents", "contents is not specified")));
        assertEquals(tree(json("{'error':{'code':400,'message':'contents is not specified','status':'INVALID_ARGUMENT',"
                + "'details':[{'@type':'type.googleapis.com/google.rpc.BadRequest','fieldViolations':[{'field':"
                + "'contents','description':'contents is not specified'}]}]}}")), invalid);
        assertEquals("UNAUTHENTICATED", tree(GeminiErrors.encode(GatewayError.of(ErrorKind.AUTHENTICATION, "no key")))
                .path("error").path("status").asText());
        assertEquals("RESOURCE_EXHAUSTED", tree(GeminiErrors.encode(GatewayError.upstream(ErrorKind.UPSTREAM_RATE_LIMITED,
                429, "slow down", null))).path("error").path("status").asText());
        assertEquals("UNAVAILABLE", tree(GeminiErrors.encode(GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 500, "x",
                null))).path("error").path("status").asText(), "an upstream failure is a 502 of the gateway");
        assertEquals("NOT_FOUND", tree(GeminiErrors.encode(GatewayError.of(ErrorKind.NOT_FOUND, "x"))).path("error")
                .path("status").asText());
        assertEquals("You exceeded your current quota, please check your plan and billing details.",
                GeminiErrors.message(Golden.bytes("gemini/error-rate-limited.json")));
        assertEquals("quota", GeminiErrors.message(json("[{'error':{'code':429,'message':'quota'}}]")));
        assertNull(GeminiErrors.message(json("not json")));
        assertInstanceOf(GatewayError.class, GeminiErrors.inStream(tree(Golden.bytes("gemini/error-rate-limited.json"))));
    }

    @Test
    void countTokensBodies() {
        ChatRequest plain = GeminiTokenCounts.toCanonical(json("{'contents':[{'parts':[{'text':'hi'}]}]}"), "m");
        ChatRequest wrapped = GeminiTokenCounts.toCanonical(json("{'generateContentRequest':{'model':'models/m',"
                + "'contents':[{'parts':[{'text':'hi'}]}],'systemInstruction':{'parts':[{'text':'be nice'}]}}}"), "m");
        assertEquals(1, plain.messages().size());
        assertEquals(2, wrapped.messages().size());
        assertEquals(tree(json("{'generateContentRequest':{'model':'models/gemini-2.5-flash','contents':[{'role':'user',"
                + "'parts':[{'text':'hi'}]}]}}")), tree(GeminiTokenCounts.toWire(
                        OpenAiChatRequests.toCanonical(json("{'model':'m','messages':[{'role':'user','content':'hi'}]}")),
                        "gemini-2.5-flash")));
        assertEquals(31, GeminiTokenCounts.totalTokens(json("{'totalTokens':31}")));
    }
}
