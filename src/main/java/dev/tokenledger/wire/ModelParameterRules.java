package dev.tokenledger.wire;

import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.WireFormat;

/**
 * What current models refuse, per upstream format and model family, as one declarative table applied to a translated
 * request body before it leaves: a parameter dropped when the family refuses it (alone or together with another), or
 * capped at the family's limit. A body that passes through untouched is never changed: its client chose it for its
 * own provider. A rule names the family by a regular expression over the upstream model name.
 */
public final class ModelParameterRules {

    /** What a rule does to its field. */
    public enum Action {
        /** Removes the field. */
        DROP,
        /** Lowers a number above the limit to the limit. */
        CAP
    }

    /**
     * One row of the table.
     *
     * @param format the upstream format the rule applies to
     * @param models the upstream model names of the family, matched in full
     * @param when the fields that must all be present for the rule to apply (JSON pointers); empty: always
     * @param field the field acted on (a JSON pointer to a member of an object)
     * @param limit the cap, for {@link Action#CAP}
     * @param why what the provider says, for the documentation
     */
    public record Rule(WireFormat format, Pattern models, List<String> when, String field, Action action, long limit,
            String why) {
    }

    private static final String CLAUDE_4_1_AND_LATER = "claude-(opus|sonnet|haiku)-(4-[1-9]|[5-9])([-.].*)?|claude-(opus|sonnet|haiku)-4-[1-9]@.*";
    private static final String OPENAI_NON_REASONING = "(gpt-4o|chatgpt-4o|gpt-4\\.1|gpt-4-|gpt-4$|gpt-3\\.5).*";

    /** The table. */
    public static final List<Rule> RULES = List.of(
            new Rule(WireFormat.ANTHROPIC, Pattern.compile(CLAUDE_4_1_AND_LATER), List.of("/temperature", "/top_p"),
                    "/top_p", Action.DROP, 0, "temperature and top_p cannot both be specified for this model"),
            new Rule(WireFormat.ANTHROPIC, Pattern.compile("claude-.*"), List.of("/thinking/budget_tokens", "/top_k"),
                    "/top_k", Action.DROP, 0, "thinking is not compatible with top_k"),
            new Rule(WireFormat.ANTHROPIC, Pattern.compile("claude-.*"),
                    List.of("/thinking/budget_tokens", "/temperature"), "/temperature", Action.DROP, 0,
                    "thinking is not compatible with temperature"),
            new Rule(WireFormat.OPENAI_CHAT, Pattern.compile(OPENAI_NON_REASONING), List.of("/reasoning_effort"),
                    "/reasoning_effort", Action.DROP, 0, "reasoning_effort is not supported with this model"),
            new Rule(WireFormat.OPENAI_CHAT, Pattern.compile("(gpt-4o|chatgpt-4o).*"), List.of(),
                    "/max_completion_tokens", Action.CAP, 16_384,
                    "max_tokens is too large: this model supports at most 16384 completion tokens"),
            new Rule(WireFormat.OPENAI_CHAT, Pattern.compile("gpt-4\\.1.*"), List.of(), "/max_completion_tokens",
                    Action.CAP, 32_768, "max_tokens is too large: this model supports at most 32768 completion tokens"),
            new Rule(WireFormat.OPENAI_CHAT, Pattern.compile("gpt-3\\.5.*"), List.of(), "/max_completion_tokens",
                    Action.CAP, 4_096, "max_tokens is too large: this model supports at most 4096 completion tokens"));

    private ModelParameterRules() {
    }

    /** Applies the table's rules for a format and upstream model to a translated request body, in place. */
    public static void apply(WireFormat format, String upstreamModel, ObjectNode body) {
        apply(RULES, format, upstreamModel, body);
    }

    static void apply(List<Rule> rules, WireFormat format, String upstreamModel, ObjectNode body) {
        if (upstreamModel == null) {
            return;
        }
        for (Rule rule : rules) {
            if (rule.format() != format || !rule.models().matcher(upstreamModel).matches()
                    || !rule.when().stream().allMatch(pointer -> !body.at(pointer).isMissingNode())) {
                continue;
            }
            int slash = rule.field().lastIndexOf('/');
            JsonNode parent = slash == 0 ? body : body.at(rule.field().substring(0, slash));
            String name = rule.field().substring(slash + 1);
            if (!(parent instanceof ObjectNode object) || !object.has(name)) {
                continue;
            }
            if (rule.action() == Action.DROP) {
                object.remove(name);
            } else if (object.get(name).isNumber() && object.get(name).asLong() > rule.limit()) {
                object.put(name, rule.limit());
            }
        }
    }
}
