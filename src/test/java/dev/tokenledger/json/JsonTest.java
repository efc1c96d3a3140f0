package dev.tokenledger.json;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsSeveralTopLevelFieldsInOnePassWhateverTheirOrder() {
        JsonNode[] fields = Json.topLevelFields(bytes("{\"service_tier\":\"flex\",\"choices\":[{\"usage\":1}],"
                + "\"usage\":{\"prompt_tokens\":9}}"), "usage", "service_tier");
        assertEquals(9, fields[0].path("prompt_tokens").asInt());
        assertEquals("flex", fields[1].asText());
    }

    @Test
    void aFieldTakesItsFirstOccurrenceAsTopLevelFieldDoes() {
        byte[] body = bytes("{\"usage\":null,\"usage\":{\"prompt_tokens\":9},\"model\":\"a\",\"model\":\"b\"}");
        JsonNode[] fields = Json.topLevelFields(body, "usage", "model");
        assertTrue(fields[0].isNull());
        assertEquals("a", fields[1].asText());
        assertEquals(fields[0], Json.topLevelField(body, "usage"));
        assertEquals(fields[1], Json.topLevelField(body, "model"));
    }

    @Test
    void absentFieldsAndFieldsAfterMalformedBytesAreNull() {
        JsonNode[] fields = Json.topLevelFields(bytes("{\"usage\":{\"prompt_tokens\":9},\"id\":\"x\" garbage"
                + " \"service_tier\":\"flex\"}"), "usage", "service_tier", "model");
        assertEquals(9, fields[0].path("prompt_tokens").asInt());
        assertNull(fields[1]);
        assertNull(fields[2]);
        assertNull(Json.topLevelFields(bytes("[1,2]"), "usage")[0]);
        assertNull(Json.topLevelFields(bytes("not json"), "usage")[0]);
    }
}
