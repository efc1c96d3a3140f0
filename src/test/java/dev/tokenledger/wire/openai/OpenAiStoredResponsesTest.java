package dev.tokenledger.wire.openai;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.json.Json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stored responses in the Responses format: continuing a conversation, finding the finished response, errors. */
class OpenAiStoredResponsesTest {

    private static ObjectNode json(String text) {
        return Json.parseObject(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aContinuedRequestHasTheEarlierTurnsBeforeItsInputAndNoPreviousId() {
        ObjectNode request = json("{'model':'m','input':'And?','previous_response_id':'resp_2','store':false}");
        List<OpenAiStoredResponses.Turn> turns = List.of(
                new OpenAiStoredResponses.Turn("[{'type':'message','role':'user','content':[{'type':'input_text',"
                        .replace('\'', '"') + "\"text\":\"One\"}]}]", "{\"output\":[{\"id\":\"rs_1\",\"type\":"
                                + "\"reasoning\",\"summary\":[],\"content\":[{\"type\":\"reasoning_text\",\"text\":\"hm\"}]},"
                                + "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":"
                                + "\"output_text\",\"text\":\"Two\"}]}]}"),
                new OpenAiStoredResponses.Turn("[{\"type\":\"custom_tool_call_output\",\"call_id\":\"c\",\"output\":\"ok\"}]",
                        "{\"output\":[{\"id\":\"rs_2\",\"type\":\"reasoning\",\"summary\":[],\"encrypted_content\":\"E\"},"
                                + "{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"c2\",\"name\":\"f\","
                                + "\"arguments\":\"{}\"}]}"));

        ObjectNode continued = OpenAiStoredResponses.continued(request, turns);

        assertFalse(continued.has("previous_response_id"));
        assertEquals(false, continued.get("store").asBoolean());
        assertEquals(json("{'input':[{'type':'message','role':'user','content':[{'type':'input_text','text':'One'}]},"
                + "{'type':'message','role':'assistant','content':[{'type':'output_text','text':'Two'}]},"
                + "{'type':'custom_tool_call_output','call_id':'c','output':'ok'},"
                + "{'type':'reasoning','summary':[],'encrypted_content':'E'},"
                + "{'type':'function_call','call_id':'c2','name':'f','arguments':'{}'},"
                + "{'type':'message','role':'user','content':[{'type':'input_text','text':'And?'}]}]}").get("input"),
                continued.get("input"), "reasoning without encrypted content dropped, ids removed, input last");
    }

    @Test
    void theFinishedResponseIsFoundInAnAnswerOrInTheStreamEventThatEndsIt() {
        assertEquals("resp_1", OpenAiStoredResponses.finished(("{\"id\":\"resp_1\",\"object\":\"response\","
                + "\"status\":\"incomplete\",\"output\":[]}").getBytes(StandardCharsets.UTF_8)).get("id").asText());
        assertNull(OpenAiStoredResponses.finished("{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"failed\"}"
                .getBytes(StandardCharsets.UTF_8)));
        String events = "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\"}\n\n"
                + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_2\","
                + "\"object\":\"response\",\"status\":\"completed\",\"output\":[]}}\n\n";
        assertEquals("resp_2", OpenAiStoredResponses.finishedInStream(events.getBytes(StandardCharsets.UTF_8))
                .get("id").asText());
        assertNull(OpenAiStoredResponses.finishedInStream("event: response.created\ndata: {}\n\n"
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void storeDefaultsToTrueAndAnUnknownPreviousIdIsOpenAisNotFound() {
        assertTrue(OpenAiStoredResponses.stores(json("{'input':'x'}")));
        assertFalse(OpenAiStoredResponses.stores(json("{'input':'x','store':false}")));
        GatewayError e = OpenAiStoredResponses.previousNotFound("resp_x");
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertEquals("previous_response_id", e.param());
        assertEquals("previous_response_not_found", e.code());
        assertEquals("{\"id\":\"resp_x\",\"object\":\"response.deleted\",\"deleted\":true}",
                OpenAiStoredResponses.deleted("resp_x").toString());
    }
}
