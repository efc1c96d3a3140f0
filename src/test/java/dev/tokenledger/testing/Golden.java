package dev.tokenledger.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Loads the golden files of {@code src/test/resources/golden/}, named by their path below it, e.g.
 * {@code openai/chat-request-basic.json}.
 */
public final class Golden {

    /** A plain mapper, independent of the one under test. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** The messages of the golden basic requests of OpenAI's chat and Anthropic's messages, read as canonical. */
    public static final List<Message> BASIC_MESSAGES = List.of(
            new Message("system", List.of(new ContentPart.Text("You are a concise assistant. Answer in one sentence.")),
                    List.of(), null, null),
            new Message("user", List.of(new ContentPart.Text("What is the capital of Australia?")), List.of(), null,
                    null));

    private Golden() {
    }

    /**
     * Asserts fields of {@code node}, given as pairs of a JSON pointer ({@code "/usage/input_tokens"},
     * {@code "/calls/0/id"}) and the value expected there: a String compared with the field's text, an Integer with its
     * number (a missing field reads as "" and 0).
     */
    public static void assertFields(JsonNode node, Object... pointersAndValues) {
        for (int i = 0; i < pointersAndValues.length; i += 2) {
            String pointer = (String) pointersAndValues[i];
            Object expected = pointersAndValues[i + 1];
            JsonNode field = node.at(pointer);
            Object actual;
            if (expected instanceof Integer) {
                actual = field.asInt();
            } else if (expected instanceof String) {
                actual = field.asText();
            } else {
                throw new IllegalArgumentException("neither text nor a number: " + expected);
            }
            assertEquals(expected, actual, pointer + " in " + node);
        }
    }

    /** The exact bytes of a golden file. */
    /**
     * The tool exchange of every format's golden tools request, read as canonical: the assistant message at
     * {@code assistant} calls {@code get_weather} (Paris, celsius) as {@code weatherId} and {@code get_local_time}
     * (Asia/Tokyo) as {@code timeId}; the next message is the weather's result (14 degrees, light rain) and the one
     * after it answers the time call.
     */
    public static void assertWeatherAndTimeExchange(ChatRequest r, int assistant, String weatherId, String timeId) {
        assertEquals(List.of(
                new ToolCall(weatherId, "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}"),
                new ToolCall(timeId, "get_local_time", "{\"timezone\":\"Asia/Tokyo\"}")),
                r.messages().get(assistant).toolCalls());
        assertEquals(weatherId, r.messages().get(assistant + 1).toolCallId());
        assertEquals("{\"temperature\":14,\"condition\":\"light rain\"}", r.messages().get(assistant + 1).text());
        assertEquals(timeId, r.messages().get(assistant + 2).toolCallId());
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden file " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A golden JSON file as a tree. */
    public static ObjectNode json(String name) {
        return (ObjectNode) tree(bytes(name));
    }

    public static JsonNode tree(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON object's field names, in the order they were written. */
    public static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    public static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
