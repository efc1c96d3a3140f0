package dev.tokenledger.pricing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Which model names a catalogue entry prices besides its own id: genai-prices' match clauses, written the same way,
 * {@code {"equals":s}}, {@code {"starts_with":s}}, {@code {"ends_with":s}}, {@code {"contains":s}}, {@code {"regex":r}},
 * {@code {"or":[...]}}, {@code {"and":[...]}}. The name is lowercased before matching, so strings must be lowercase. A
 * regex is kept as written and tested, case-sensitively and without flags, against the lowercased name, exactly as
 * genai-prices tests it ({@code new RegExp(regex).test(name.toLowerCase())}): a class such as {@code [tT]} is allowed
 * (its upper-case half never matches), an inline flag such as {@code (?i)} works as in Java. A regex matches when it
 * is found anywhere in the name (anchor it with {@code ^...$} to match the whole name). Clauses come from the catalogue, never from a client; their size and nesting
 * are bounded all the same.
 */
public sealed interface MatchRule {

    /** Longest pattern or string accepted in a clause, and deepest nesting of or/and. */
    int MAX_TEXT = 512;
    int MAX_DEPTH = 8;

    /** Whether the rule matches a model name (lowercased here). */
    default boolean matches(String model) {
        return model != null && test(model.toLowerCase(Locale.ROOT));
    }

    /** Whether the rule matches a name that is already lowercase. */
    boolean test(String lowercaseName);

    /** The clause as JSON, in genai-prices' shape. */
    JsonNode toJson();

    /** The clauses on one lowercase string: each kind's key in genai-prices' JSON and its test of a name. */
    enum TextTest {
        EQUALS("equals", String::equals), STARTS_WITH("starts_with", String::startsWith), ENDS_WITH("ends_with",
                String::endsWith), CONTAINS("contains", String::contains);

        private final String key;
        private final BiPredicate<String, String> test;

        TextTest(String key, BiPredicate<String, String> test) {
            this.key = key;
            this.test = test;
        }

        /** The kind written with this key, if one is. */
        static Optional<TextTest> of(String key) {
            return Arrays.stream(values()).filter(kind -> kind.key.equals(key)).findFirst();
        }
    }

    /** A clause on one lowercase string, written {@code {"<key>": value}} (its kind's key). */
    record OnText(TextTest kind, String value) implements MatchRule {
        public OnText {
            Objects.requireNonNull(kind, "kind");
        }

        public boolean test(String name) {
            return kind.test.test(name, value);
        }

        public JsonNode toJson() {
            return JsonNodeFactory.instance.objectNode().put(kind.key, value);
        }
    }

    /** A regular expression found anywhere in the name ({@link java.util.regex.Matcher#find()}). */
    record Regex(Pattern pattern) implements MatchRule {
        public Regex {
            Objects.requireNonNull(pattern, "pattern");
        }

        public boolean test(String name) {
            return pattern.matcher(name).find();
        }

        public JsonNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("regex", pattern.pattern());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Regex r && r.pattern.pattern().equals(pattern.pattern());
        }

        @Override
        public int hashCode() {
            return pattern.pattern().hashCode();
        }
    }

    record Or(List<MatchRule> any) implements MatchRule {
        public Or {
            any = List.copyOf(any);
        }

        public boolean test(String name) {
            for (MatchRule rule : any) {
                if (rule.test(name)) {
                    return true;
                }
            }
            return false;
        }

        public JsonNode toJson() {
            return list("or", any);
        }
    }

    record And(List<MatchRule> all) implements MatchRule {
        public And {
            all = List.copyOf(all);
        }

        public boolean test(String name) {
            for (MatchRule rule : all) {
                if (!rule.test(name)) {
                    return false;
                }
            }
            return true;
        }

        public JsonNode toJson() {
            return list("and", all);
        }
    }

    /** A clause on a list of clauses, written {@code {"<key>": [...]}}. */
    private static JsonNode list(String key, List<MatchRule> rules) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        ArrayNode list = node.putArray(key);
        rules.forEach(rule -> list.add(rule.toJson()));
        return node;
    }

    /**
     * Reads a clause; {@link IllegalArgumentException} when it is not one of the clause kinds, a string operand is not
     * lowercase or a regex does not compile.
     */
    static MatchRule parse(JsonNode node) {
        return parse(node, 0);
    }

    private static MatchRule parse(JsonNode node, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("match clause nested deeper than " + MAX_DEPTH);
        }
        if (node == null || !node.isObject() || node.size() != 1) {
            throw new IllegalArgumentException("a match clause is an object with exactly one key: " + node);
        }
        Map.Entry<String, JsonNode> clause = node.fields().next();
        String kind = clause.getKey();
        JsonNode value = clause.getValue();
        if (kind.equals("or") || kind.equals("and")) {
            if (!value.isArray() || value.isEmpty()) {
                throw new IllegalArgumentException("match clause " + kind + " needs a non-empty list");
            }
            List<MatchRule> rules = new ArrayList<>();
            for (JsonNode item : value) {
                rules.add(parse(item, depth + 1));
            }
            return kind.equals("or") ? new Or(rules) : new And(rules);
        }
        if (!value.isTextual() || value.textValue().isEmpty() || value.textValue().length() > MAX_TEXT) {
            throw new IllegalArgumentException("match clause " + kind + " needs a non-empty string of at most "
                    + MAX_TEXT + " characters");
        }
        String text = value.textValue();
        if (!kind.equals("regex") && !text.equals(text.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("match clause " + kind + " is not lowercase: \"" + text
                    + "\" (model names are lowercased before matching)");
        }
        Optional<TextTest> onText = TextTest.of(kind);
        if (onText.isPresent()) {
            return new OnText(onText.get(), text);
        }
        if (!kind.equals("regex")) {
            throw new IllegalArgumentException("unknown match clause " + kind);
        }
        try {
            return new Regex(Pattern.compile(text));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("match clause regex is not a valid pattern: " + e.getDescription());
        }
    }
}
