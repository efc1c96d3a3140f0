package dev.tokenledger.scenario;

import java.util.Map;
import java.util.Optional;

/**
 * The capability matrix: the cases a pair of client format and upstream type cannot serve. For those, the suite
 * asserts a 400 in the client's error format naming the field that cannot be expressed upstream, and no upstream call.
 */
public final class ScenarioMatrix {

    /** Key {@code client|upstream|CASE} → the request field the 400 must name. */
    private static final Map<String, String> REFUSED = Map.of(
            // Anthropic's JSON output needs a schema; JSON mode without one cannot be expressed
            "openai-chat|anthropic|JSON_MODE", "response_format",
            "openai-responses|anthropic|JSON_MODE", "response_format",
            "gemini|anthropic|JSON_MODE", "response_format",
            // so does Converse's structured output (outputConfig.textFormat)
            "openai-chat|bedrock|JSON_MODE", "response_format",
            "openai-responses|bedrock|JSON_MODE", "response_format",
            "gemini|bedrock|JSON_MODE", "response_format");

    private ScenarioMatrix() {
    }

    /** The field a 400 must name when the pair cannot serve the case, or empty when it must serve it. */
    public static Optional<String> refusal(ClientSide client, UpstreamSide upstream, ScenarioCase c) {
        return Optional.ofNullable(REFUSED.get(client.name() + "|" + upstream.type() + "|" + c.name()));
    }
}
