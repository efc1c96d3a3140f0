package dev.tokenledger.pricing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * JSON reading for price files. Every number is read as an exact {@link BigDecimal} built from its literal, with its
 * written scale kept; no price ever passes through a binary floating-point value.
 */
final class PricingJson {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private PricingJson() {
    }

    /** The document as a tree; {@link IllegalArgumentException} when it is not JSON or empty. */
    static JsonNode read(InputStream json) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid JSON document: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("empty JSON document");
        }
        return root;
    }

    /** The exact value of a JSON number node. */
    static BigDecimal decimal(JsonNode number) {
        if (!number.isNumber()) {
            throw new IllegalArgumentException("not a number: " + number);
        }
        if (number.isFloatingPointNumber() && !number.isBigDecimal()) {
            // the mapper reads every fraction as BigDecimal; a binary float here would mean a lost exact value
            throw new IllegalStateException("binary floating-point number in a price document");
        }
        return number.decimalValue();
    }

    /** The value of a JSON integer node that fits a long; {@link IllegalArgumentException} otherwise. */
    static long wholeNumber(JsonNode number, String what) {
        if (!number.isNumber()) {
            throw new IllegalArgumentException(what + " is not a number: " + number);
        }
        try {
            return decimal(number).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + " is not a whole number: " + number);
        }
    }

    /** The text of a field, or null when the field is absent or null; {@link IllegalArgumentException} if not text. */
    static String text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " is not a string: " + value);
        }
        return value.textValue();
    }
}
