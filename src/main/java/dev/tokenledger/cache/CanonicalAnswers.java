package dev.tokenledger.cache;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.json.Json;

/**
 * The canonical answer as JSON, for a cache entry: the records as objects of their components, each content part
 * tagged with its kind. Not a wire format: only this version of the gateway reads it back.
 */
final class CanonicalAnswers {

    private static final ObjectMapper MAPPER = Json.MAPPER.copy().addMixIn(ContentPart.class, TaggedPart.class);

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = ContentPart.Text.class, name = "text"),
            @JsonSubTypes.Type(value = ContentPart.Image.class, name = "image"),
            @JsonSubTypes.Type(value = ContentPart.Reasoning.class, name = "reasoning")})
    private interface TaggedPart {
    }

    private CanonicalAnswers() {
    }

    static JsonNode write(ChatResponse response) {
        return MAPPER.valueToTree(response);
    }

    /** @throws IllegalArgumentException when the JSON is not a canonical answer of this version */
    static ChatResponse read(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("No canonical answer");
        }
        try {
            return MAPPER.treeToValue(node, ChatResponse.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not a canonical answer", e);
        }
    }
}
