package dev.tokenledger.admin;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Admin requests refuse fields they do not know: a typo such as {@code "rpmm"} must not be read as "no rpm". Every
 * type of the admin package is strict, and so is any type that says {@code @JsonIgnoreProperties(ignoreUnknown =
 * false)} (the limit specs of the admission package); other types keep Jackson's lenient default. The refusal names
 * every unknown field of the object where the first one was found.
 */
@Singleton
public class StrictAdminJson implements ObjectMapperCustomizer {

    /** Unknown names reported at most, and their longest length, so an answer stays small whatever was sent. */
    static final int MAX_REPORTED = 20;
    public static final int MAX_NAME = 100;
    private static final String ADMIN_PACKAGE = StrictAdminJson.class.getPackageName() + ".";

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.addHandler(new Refuse());
    }

    static boolean strict(Class<?> type) {
        if (type.getName().startsWith(ADMIN_PACKAGE)) {
            return true;
        }
        JsonIgnoreProperties ignore = type.getAnnotation(JsonIgnoreProperties.class);
        return ignore != null && !ignore.ignoreUnknown();
    }

    /** A request with fields its type does not have. */
    public static final class UnknownFieldsException extends MismatchedInputException {

        private final transient List<String> fields;

        UnknownFieldsException(JsonParser parser, Class<?> type, List<String> fields) {
            super(parser, "Unknown field" + (fields.size() > 1 ? "s " : " ") + String.join(", ", fields.stream()
                    .map(f -> "'" + f + "'").toList()) + ".", type);
            this.fields = List.copyOf(fields);
        }

        /** The unknown fields, by their path in the request. */
        public List<String> fields() {
            return fields;
        }
    }

    private static final class Refuse extends DeserializationProblemHandler {

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                Object beanOrClass, String propertyName) throws IOException {
            Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
            if (!strict(type)) {
                return false;
            }
            String prefix = prefix(ctxt.getParser());
            Collection<Object> known = deserializer.getKnownPropertyNames();
            List<String> unknown = new ArrayList<>();
            unknown.add(prefix + bounded(propertyName));
            // read on through this object so that one answer names every unknown field of it
            p.skipChildren();
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                if ((known == null || !known.contains(name)) && unknown.size() < MAX_REPORTED) {
                    unknown.add(prefix + bounded(name));
                }
                p.nextToken();
                p.skipChildren();
            }
            throw new UnknownFieldsException(p, type, unknown);
        }

        /**
         * The path of the object being read, e.g. {@code budget.} or {@code tiers[0].prices.}, from the request's own
         * parser: inside the object (a bean read field by field) or just past its end (a record, whose unknown fields
         * Jackson buffers and hands over once the record is built).
         */
        private static String prefix(JsonParser request) {
            JsonStreamContext context = request.getParsingContext();
            JsonStreamContext start = request.currentToken() == JsonToken.END_OBJECT ? context : context.getParent();
            Deque<String> segments = new ArrayDeque<>();
            for (JsonStreamContext c = start; c != null && !c.inRoot(); c = c.getParent()) {
                segments.addFirst(c.inArray() ? "[" + c.getCurrentIndex() + "]" : bounded(c.getCurrentName()));
            }
            StringBuilder path = new StringBuilder();
            for (String segment : segments) {
                if (path.length() > 0 && !segment.startsWith("[")) {
                    path.append('.');
                }
                path.append(segment);
            }
            return path.length() == 0 ? "" : path.append('.').toString();
        }

        private static String bounded(String name) {
            if (name == null) {
                return "";
            }
            String clean = name.codePoints().map(cp -> Character.isISOControl(cp) ? '?' : cp)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            return clean.length() > MAX_NAME ? clean.substring(0, MAX_NAME) + "…" : clean;
        }
    }
}
