package dev.tokenledger.wire.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.testing.Golden;

import static dev.tokenledger.testing.Golden.fieldNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenAI's error body: {@code {"error":{"message","type","param","code"}}} with all four keys, always. */
class OpenAiErrorsTest {

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of(ErrorKind.INVALID_REQUEST, "invalid_request_error", null),
                Arguments.of(ErrorKind.AUTHENTICATION, "authentication_error", "invalid_api_key"),
                Arguments.of(ErrorKind.PERMISSION, "permission_error", null),
                Arguments.of(ErrorKind.NOT_FOUND, "invalid_request_error", "model_not_found"),
                Arguments.of(ErrorKind.CONFLICT, "invalid_request_error", null),
                Arguments.of(ErrorKind.PAYLOAD_TOO_LARGE, "invalid_request_error", "request_too_large"),
                Arguments.of(ErrorKind.REQUEST_TIMEOUT, "invalid_request_error", "request_timeout"),
                Arguments.of(ErrorKind.UNSUPPORTED, "invalid_request_error", "unsupported_operation"),
                Arguments.of(ErrorKind.RATE_LIMITED, "rate_limit_error", "rate_limit_exceeded"),
                Arguments.of(ErrorKind.QUOTA_EXCEEDED, "insufficient_quota", "quota_exceeded"),
                Arguments.of(ErrorKind.UPSTREAM_CLIENT_ERROR, "invalid_request_error", null),
                Arguments.of(ErrorKind.UPSTREAM_RATE_LIMITED, "rate_limit_error", "rate_limit_exceeded"),
                Arguments.of(ErrorKind.UPSTREAM_ERROR, "api_error", "upstream_error"),
                Arguments.of(ErrorKind.UPSTREAM_TIMEOUT, "api_error", "upstream_timeout"),
                Arguments.of(ErrorKind.UNAVAILABLE, "service_unavailable", null),
                Arguments.of(ErrorKind.INTERNAL, "api_error", null));
    }

    @Test
    void everyKindIsCovered() {
        EnumSet<ErrorKind> covered = EnumSet.noneOf(ErrorKind.class);
        kinds().forEach(a -> covered.add((ErrorKind) a.get()[0]));
        assertEquals(EnumSet.allOf(ErrorKind.class), covered);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("kinds")
    void typeAndDefaultCodeByKind(ErrorKind kind, String type, String code) {
        JsonNode error = parse(OpenAiErrors.encode(GatewayError.of(kind, "Something went wrong.")));

        assertEquals(List.of("message", "type", "param", "code"), fieldNames(error));
        assertEquals("Something went wrong.", error.get("message").asText());
        assertEquals(type, error.get("type").asText());
        assertTrue(error.get("param").isNull());
        if (code == null) {
            assertTrue(error.get("code").isNull(), error.toString());
        } else {
            assertEquals(code, error.get("code").asText());
        }
    }

    @Test
    void paramAndCodeAreNullWhenAbsent() {
        assertEquals("{\"error\":{\"message\":\"boom\",\"type\":\"api_error\",\"param\":null,\"code\":null}}",
                new String(OpenAiErrors.encode(GatewayError.of(ErrorKind.INTERNAL, "boom")), StandardCharsets.UTF_8));
    }

    @Test
    void invalidRequestNamesItsParam() {
        assertEquals("{\"error\":{\"message\":\"Missing required parameter: 'messages[0].role'.\","
                + "\"type\":\"invalid_request_error\",\"param\":\"messages[0].role\",\"code\":null}}",
                new String(OpenAiErrors.encode(GatewayError.invalid("messages[0].role",
                        "Missing required parameter: 'messages[0].role'.")), StandardCharsets.UTF_8));
    }

    @Test
    void explicitCodeWinsOverTheKindsDefault() {
        JsonNode error = parse(OpenAiErrors.encode(GatewayError.upstream(ErrorKind.UPSTREAM_CLIENT_ERROR, 400,
                "This model's maximum context length is 128000 tokens.", "context_length_exceeded")));
        assertEquals("invalid_request_error", error.get("type").asText());
        assertEquals("context_length_exceeded", error.get("code").asText());
        assertTrue(error.get("param").isNull());
    }

    @Test
    void toWireHasOnlyTheErrorKey() {
        JsonNode root = OpenAiErrors.toWire(GatewayError.of(ErrorKind.RATE_LIMITED, "Slow down."));
        List<String> names = new ArrayList<>();
        root.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("error"), names);
    }

    @Test
    void messageOfUpstreamErrorBodies() {
        assertEquals("Incorrect API key provided: sk-abc***xyz.", OpenAiErrors.message(utf8(
                "{\"error\":{\"message\":\"Incorrect API key provided: sk-abc***xyz.\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":\"invalid_api_key\"}}")));
        assertEquals("model not found", OpenAiErrors.message(utf8("{\"error\":\"model not found\"}")));
        assertEquals("Bad Request", OpenAiErrors.message(utf8("{\"message\":\"Bad Request\",\"status\":400}")));
        assertNull(OpenAiErrors.message(utf8("<html>502 Bad Gateway</html>")));
        assertNull(OpenAiErrors.message(utf8("{\"error\":{\"code\":500}}")));
        assertNull(OpenAiErrors.message(new byte[0]));
        assertNull(OpenAiErrors.message(null));
    }

    private static JsonNode parse(byte[] body) {
        JsonNode root = Golden.tree(body);
        assertEquals(1, root.size());
        return root.get("error");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
