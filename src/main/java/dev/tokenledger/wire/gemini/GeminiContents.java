package dev.tokenledger.wire.gemini;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Message;
import dev.tokenledger.canonical.ToolCall;
import dev.tokenledger.json.Json;
import dev.tokenledger.wire.ToolArguments;

import static dev.tokenledger.wire.gemini.GeminiFields.expectObject;
import static dev.tokenledger.wire.gemini.GeminiFields.get;
import static dev.tokenledger.wire.gemini.GeminiFields.object;
import static dev.tokenledger.wire.gemini.GeminiFields.string;

/**
 * Gemini {@code Content} turns and their parts to and from canonical messages. A {@code thoughtSignature} on a part
 * that is not a thought becomes a canonical reasoning part with only a signature, placed before the part it belongs
 * to (for a function call: at the end of the text, as calls follow the text), and is put back on that part.
 */
final class GeminiContents {

    static final String FAMILY = "gemini";
    /** The image file extensions whose MIME type a file URI's part can name. */
    private static final Map<String, String> IMAGE_EXTENSIONS = Map.of(".png", "image/png", ".jpg", "image/jpeg",
            ".jpeg", "image/jpeg", ".webp", "image/webp", ".gif", "image/gif", ".heic", "image/heic");

    private GeminiContents() {
    }

    /** What one list of parts holds. */
    record Parts(List<ContentPart> content, List<ToolCall> calls, List<Message> results) {
    }

    // ---- wire to canonical ----

    static List<Message> toCanonical(JsonNode contents, String path) {
        List<Message> messages = new ArrayList<>();
        Map<String, Deque<String>> open = new HashMap<>();
        for (int t = 0; t < contents.size(); t++) {
            String turnPath = path + "[" + t + "]";
            JsonNode turn = expectObject(contents.get(t), turnPath, "Content");
            String role = string(turn, "role", turnPath + ".role");
            boolean model = "model".equals(role);
            if (role != null && !model && !"user".equals(role) && !"function".equals(role)) {
                throw GatewayError.invalid(turnPath + ".role", "Please use a valid role: user, model.");
            }
            Parts parts = parts(turn, turnPath, "turn" + t, open);
            if (model) {
                open.clear();
                for (ToolCall call : parts.calls()) {
                    open.computeIfAbsent(call.name(), k -> new ArrayDeque<>()).add(call.id());
                }
                messages.add(new Message("assistant", parts.content(), parts.calls(), null, null));
            } else {
                messages.addAll(parts.results());
                if (!parts.content().isEmpty() || parts.results().isEmpty()) {
                    messages.add(new Message("user", parts.content(), List.of(), null, null));
                }
            }
        }
        return messages;
    }

    static Message systemInstruction(JsonNode node, String path) {
        if (node.isTextual()) {
            return new Message("system", List.of(new ContentPart.Text(node.asText())), List.of(), null, null);
        }
        Parts parts = parts(expectObject(node, path, "Content"), path, "system", Map.of());
        return new Message("system", parts.content(), List.of(), null, null);
    }

    /**
     * The parts of one content.
     *
     * @param scope makes synthesized call ids unique (a turn, or a response id)
     * @param open ids of calls still waiting for their result, by function name, for results that carry no id
     */
    static Parts parts(JsonNode content, String path, String scope, Map<String, Deque<String>> open) {
        JsonNode parts = GeminiFields.array(content, "parts", path + ".parts");
        List<ContentPart> out = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        List<Message> results = new ArrayList<>();
        List<ContentPart> callSignatures = new ArrayList<>();
        if (parts == null) {
            return new Parts(out, calls, results);
        }
        for (int i = 0; i < parts.size(); i++) {
            String partPath = path + ".parts[" + i + "]";
            JsonNode part = expectObject(parts.get(i), partPath, "Part");
            String signature = string(part, "thoughtSignature", partPath + ".thoughtSignature");
            String text = string(part, "text", partPath + ".text");
            JsonNode inline = object(part, "inlineData", partPath + ".inlineData");
            JsonNode file = object(part, "fileData", partPath + ".fileData");
            JsonNode call = object(part, "functionCall", partPath + ".functionCall");
            JsonNode result = object(part, "functionResponse", partPath + ".functionResponse");
            if (text != null && GeminiFields.flag(part, "thought")) {
                out.add(new ContentPart.Reasoning(text, signature, null, FAMILY));
                continue;
            }
            ContentPart signatureOnly = signature == null
                    ? null
                    : new ContentPart.Reasoning(null, signature, null, FAMILY);
            if (call != null) {
                String name = requiredName(call, partPath + ".functionCall.name");
                JsonNode args = get(call, "args");
                String arguments = args == null ? "{}" : new String(Json.write(args), java.nio.charset.StandardCharsets.UTF_8);
                String id = string(call, "id", partPath + ".functionCall.id");
                calls.add(new ToolCall(id != null ? id : GeminiToolIds.synthesize(scope, calls.size(), name, arguments),
                        name, arguments));
                if (signatureOnly != null) {
                    callSignatures.add(signatureOnly);
                }
                continue;
            }
            if (signatureOnly != null) {
                out.add(signatureOnly);
            }
            if (text != null) {
                out.add(new ContentPart.Text(text));
            } else if (inline != null) {
                out.add(new ContentPart.Image(null, string(inline, "mimeType", partPath + ".inlineData.mimeType"),
                        requiredString(inline, "data", partPath + ".inlineData.data"), null));
            } else if (file != null) {
                out.add(new ContentPart.Image(requiredString(file, "fileUri", partPath + ".fileData.fileUri"),
                        string(file, "mimeType", partPath + ".fileData.mimeType"), null, null));
            } else if (result != null) {
                results.add(result(result, partPath + ".functionResponse", open));
            }
            // executable code, code execution results and future part kinds have no canonical form; an upstream of
            // this format still receives them from the source body
        }
        out.addAll(callSignatures);
        return new Parts(out, calls, results);
    }

    private static Message result(JsonNode result, String path, Map<String, Deque<String>> open) {
        String name = requiredName(result, path + ".name");
        String id = string(result, "id", path + ".id");
        if (id == null) {
            Deque<String> ids = open.get(name);
            id = ids == null || ids.isEmpty() ? GeminiToolIds.synthesize("result", 0, name, "") : ids.poll();
        }
        JsonNode response = get(result, "response");
        String text = response == null ? "{}" : new String(Json.write(response), java.nio.charset.StandardCharsets.UTF_8);
        return new Message("tool", List.of(new ContentPart.Text(text)), List.of(), id, name);
    }

    private static String requiredName(JsonNode node, String path) {
        return requiredString(node, "name", path);
    }

    private static String requiredString(JsonNode node, String camel, String path) {
        String value = string(node, camel, path);
        if (value == null || value.isEmpty()) {
            throw GatewayError.invalid(path, "Missing required field '" + path + "'.");
        }
        return value;
    }

    // ---- canonical to wire ----

    /**
     * The {@code contents} of a request. Tool results become {@code functionResponse} parts of a user turn, named
     * after the call they answer (Gemini refers to calls by function name).
     */
    static ArrayNode toWire(List<Message> messages) {
        ArrayNode contents = Json.NODES.arrayNode();
        Map<String, String> callNames = new HashMap<>();
        ObjectNode results = null;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            String path = "messages[" + i + "]";
            switch (m.role()) {
                case "system", "developer" -> {
                    continue;
                }
                case "tool" -> {
                    if (results == null) {
                        results = contents.addObject().put("role", "user");
                        results.putArray("parts");
                    }
                    ((ArrayNode) results.get("parts")).add(resultToWire(m, callNames, path));
                    continue;
                }
                case "assistant" -> {
                    m.toolCalls().forEach(c -> callNames.put(c.id(), c.name()));
                    ObjectNode turn = contents.addObject().put("role", "model");
                    turn.set("parts", partsToWire(m, path));
                }
                default -> {
                    ObjectNode turn = contents.addObject().put("role", "user");
                    turn.set("parts", partsToWire(m, path));
                }
            }
            results = null;
        }
        return contents;
    }

    /** The system and developer messages as one {@code systemInstruction}, or null when there are none. */
    static ObjectNode systemToWire(List<Message> messages) {
        ArrayNode parts = Json.NODES.arrayNode();
        for (Message m : messages) {
            if (m.role().equals("system") || m.role().equals("developer")) {
                for (ContentPart part : m.content()) {
                    if (part instanceof ContentPart.Text t) {
                        parts.addObject().put("text", t.text());
                    }
                }
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        ObjectNode system = Json.NODES.objectNode();
        system.set("parts", parts);
        return system;
    }

    /** The parts of a user or model message: content in order, then function calls. */
    static ArrayNode partsToWire(Message m, String path) {
        ArrayNode parts = Json.NODES.arrayNode();
        Deque<String> signatures = new ArrayDeque<>();
        for (int i = 0; i < m.content().size(); i++) {
            ContentPart part = m.content().get(i);
            if (part instanceof ContentPart.Reasoning r) {
                if (!FAMILY.equals(r.family())) {
                    continue; // another family's reasoning cannot be shown to Gemini as its own thoughts
                }
                if (r.text() == null) {
                    if (r.signature() != null) {
                        signatures.add(r.signature());
                    }
                    continue;
                }
                ObjectNode thought = parts.addObject().put("text", r.text()).put("thought", true);
                if (r.signature() != null) {
                    thought.put("thoughtSignature", r.signature());
                }
                continue;
            }
            ObjectNode node = parts.addObject();
            if (part instanceof ContentPart.Text t) {
                node.put("text", t.text());
            } else if (part instanceof ContentPart.Image img) {
                image(img, node, path + ".content[" + i + "]");
            }
            sign(node, signatures);
        }
        for (int i = 0; i < m.toolCalls().size(); i++) {
            ToolCall call = m.toolCalls().get(i);
            ObjectNode fn = parts.addObject().putObject("functionCall");
            fn.put("name", call.name());
            fn.set("args", arguments(call.arguments(), path + ".tool_calls[" + i + "].function.arguments"));
            if (call.id() != null && !GeminiToolIds.synthesized(call.id())) {
                fn.put("id", call.id());
            }
            sign((ObjectNode) parts.get(parts.size() - 1), signatures);
        }
        if (!signatures.isEmpty()) {
            ObjectNode last = parts.isEmpty() ? parts.addObject().put("text", "") : (ObjectNode) parts.get(parts.size() - 1);
            last.put("thoughtSignature", signatures.poll());
        }
        if (parts.isEmpty()) {
            parts.addObject().put("text", "");
        }
        return parts;
    }

    private static void sign(ObjectNode part, Deque<String> signatures) {
        if (!signatures.isEmpty()) {
            part.put("thoughtSignature", signatures.poll());
        }
    }

    private static void image(ContentPart.Image img, ObjectNode node, String path) {
        if (img.base64Data() != null) {
            ObjectNode inline = node.putObject("inlineData");
            inline.put("mimeType", img.mediaType() != null ? img.mediaType() : "image/png");
            inline.put("data", img.base64Data());
            return;
        }
        String mimeType = img.mediaType() != null ? img.mediaType() : mimeTypeOf(img.url());
        if (mimeType == null) {
            throw GatewayError.invalid(path, "The image URL in '" + path + "' has no recognisable image type; Gemini "
                    + "needs a MIME type for file URIs. Send the image inline as base64 instead.");
        }
        node.putObject("fileData").put("mimeType", mimeType).put("fileUri", img.url());
    }

    /** The MIME type an image URL's extension names, or null. */
    static String mimeTypeOf(String url) {
        String path = url.toLowerCase(java.util.Locale.ROOT);
        int query = path.indexOf('?');
        String file = query < 0 ? path : path.substring(0, query);
        int dot = file.lastIndexOf('.');
        return dot < 0 ? null : IMAGE_EXTENSIONS.get(file.substring(dot));
    }

    private static ObjectNode resultToWire(Message m, Map<String, String> callNames, String path) {
        String name = m.toolCallId() == null ? null : callNames.get(m.toolCallId());
        if (name == null) {
            name = m.name();
        }
        if (name == null) {
            throw GatewayError.invalid(path + ".tool_call_id", "The tool result in '" + path + "' answers the call '"
                    + m.toolCallId() + "', which no earlier assistant message made; Gemini needs the function's name.");
        }
        ObjectNode part = Json.NODES.objectNode();
        ObjectNode fn = part.putObject("functionResponse");
        fn.put("name", name);
        ObjectNode parsed = Json.tryParseObject(m.text());
        if (parsed != null) {
            fn.set("response", parsed);
        } else {
            fn.putObject("response").put("output", m.text());
        }
        if (m.toolCallId() != null && !GeminiToolIds.synthesized(m.toolCallId())) {
            fn.put("id", m.toolCallId());
        }
        return part;
    }

    static JsonNode arguments(String arguments, String path) {
        return ToolArguments.toObject(arguments,
                () -> GatewayError.invalid(path, "The arguments in '" + path + "' are not a JSON object; Gemini needs one."));
    }
}
