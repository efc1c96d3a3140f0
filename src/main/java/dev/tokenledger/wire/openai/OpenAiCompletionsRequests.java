package dev.tokenledger.wire.openai;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.Untranslatable;

import static dev.tokenledger.wire.JsonFields.optionalBoolean;
import static dev.tokenledger.wire.JsonFields.optionalDouble;
import static dev.tokenledger.wire.JsonFields.optionalInt;
import static dev.tokenledger.wire.JsonFields.optionalString;
import static dev.tokenledger.wire.JsonFields.requiredString;

/**
 * Pure mapping of legacy OpenAI text completions ({@code POST /v1/completions}) to the canonical request.
 *
 * <p>
 * A completion request is translated to chat: the prompt (a string, or an array of exactly one string) becomes one
 * user message. Options chat cannot give the same meaning ({@code suffix}, {@code echo}, {@code logprobs},
 * {@code best_of}, {@code n > 1}) and sampling options the canonical request does not carry ({@code seed},
 * {@code logit_bias}, {@code presence_penalty}, {@code frequency_penalty}) are refused with a 400 naming the field
 * unless they hold their neutral value. An absent {@code max_tokens} leaves the cap to the upstream model (the legacy
 * API's default of 16 tokens is not imposed).
 */
public final class OpenAiCompletionsRequests {

    private static final Set<String> KNOWN = Set.of("model", "prompt", "max_tokens", "temperature", "top_p", "stop",
            "stream", "stream_options", "user");
    private static final String NOT_IN_CHAT = "has no equivalent once a completion is translated to a chat request.";

    private OpenAiCompletionsRequests() {
    }

    public static ChatRequest toCanonical(byte[] body) {
        ObjectNode root = Json.parseObject(body);
        String model = requiredString(root, "model");
        String prompt = prompt(root.get("prompt"));
        Untranslatable.refuse(root, "suffix", Untranslatable.EMPTY, NOT_IN_CHAT);
        Untranslatable.refuse(root, "echo", Untranslatable.FALSE, NOT_IN_CHAT);
        Untranslatable.refuse(root, "logprobs", Untranslatable.ANY, NOT_IN_CHAT);
        Untranslatable.refuse(root, "best_of", Untranslatable.ONE, NOT_IN_CHAT);
        Untranslatable.refuse(root, "n", Untranslatable.ONE, NOT_IN_CHAT);
        Untranslatable.refuse(root, "seed", Untranslatable.ANY, NOT_IN_CHAT);
        Untranslatable.refuse(root, "logit_bias", Untranslatable.EMPTY, NOT_IN_CHAT);
        Untranslatable.refuse(root, "presence_penalty", Untranslatable.ZERO, NOT_IN_CHAT);
        Untranslatable.refuse(root, "frequency_penalty", Untranslatable.ZERO, NOT_IN_CHAT);
        boolean stream = optionalBoolean(root, "stream");
        JsonNode options = root.get("stream_options");
        boolean includeUsage = options != null && options.path("include_usage").asBoolean(false);
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!KNOWN.contains(field.getKey())) {
                extra.put(field.getKey(), Json.toValue(field.getValue()));
            }
        }
        Message user = new Message("user", List.of(new ContentPart.Text(prompt)), List.of(), null, null);
        return ChatRequest.builder(model, new ChatRequest.SourceBody(WireFormat.OPENAI_COMPLETIONS, root))
                .messages(List.of(user))
                .sampling(optionalInt(root, "max_tokens"), optionalDouble(root, "temperature"),
                        optionalDouble(root, "top_p"), stop(root.get("stop")))
                .stream(stream, includeUsage).user(optionalString(root, "user")).extra(extra).build();
    }

    private static String prompt(JsonNode node) {
        if (node == null || node.isNull()) {
            throw GatewayError.invalid("prompt", "Missing required parameter: 'prompt'.");
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isArray() && node.size() == 1 && node.get(0).isTextual()) {
            return node.get(0).asText();
        }
        throw GatewayError.invalid("prompt", "'prompt' must be a string or an array of one string; several prompts "
                + "and token arrays cannot be translated to a chat request.");
    }

    private static List<String> stop(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<String> stop = new ArrayList<>();
        if (node.isTextual()) {
            stop.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(s -> stop.add(s.isTextual() ? s.asText() : null));
        }
        if (stop.isEmpty() && !node.isArray() || stop.contains(null)) {
            throw GatewayError.invalid("stop", "Invalid type for 'stop': expected a string or an array of strings.");
        }
        return stop;
    }
}
