package dev.tokenledger.canonical;

/**
 * The rules for text a client chooses that the gateway keeps or repeats: what reaches PostgreSQL, logs, metrics,
 * upstream URLs or Redis keys (model names, end-user ids, names and attributes). Control characters (NUL, newlines,
 * C1), bidirectional overrides, line separators and lone surrogates are refused, lengths are bounded, and model names
 * keep to {@code [A-Za-z0-9._:/@-]} without {@code .} or {@code ..} path segments. A refusal is a {@link GatewayError}
 * of kind invalid request naming the field, which every API renders in its own error shape.
 * <p>
 * Text that reaches a log line from elsewhere (an upstream's message, a header) goes through {@link #forLog}.
 */
public final class ClientText {

    /** Longest model name accepted. */
    public static final int MAX_MODEL = 200;
    /** Longest end-user id, name or other attribute accepted. */
    public static final int MAX_ATTRIBUTE = 256;
    /** Longest value written into a log line; the rest is cut. */
    static final int MAX_LOG = 300;

    private ClientText() {
    }

    /** Checks a chat request's client-chosen texts: the model and the end-user id. */
    public static void check(ChatRequest request) {
        model("model", request.model());
        attribute("user", request.user(), MAX_ATTRIBUTE);
    }

    /**
     * A model name as the client sent it.
     *
     * @throws GatewayError (invalid request, naming {@code param}) when it is not a model name
     */
    public static String model(String param, String model) {
        if (model == null || model.isEmpty()) {
            return model; // the format's mapper reports a missing model
        }
        if (model.length() > MAX_MODEL) {
            throw GatewayError.invalid(param, "The model name is longer than " + MAX_MODEL + " characters.");
        }
        for (int i = 0; i < model.length(); i++) {
            if (!modelChar(model.charAt(i))) {
                throw GatewayError.invalid(param, "The model name may only hold letters, digits and '.', '_', ':', '/', "
                        + "'@', '-' (found " + describe(model.charAt(i)) + " at position " + i + ").");
            }
        }
        for (String segment : model.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw GatewayError.invalid(param, "The model name must not hold '.' or '..' path segments.");
            }
        }
        return model;
    }

    /** Whether a name keeps to the model name rules (for labels: an unknown or malformed name is never a label). */
    public static boolean isModel(String model) {
        try {
            return model != null && !model.isEmpty() && model(null, model) != null;
        } catch (GatewayError e) {
            return false;
        }
    }

    /**
     * A free-text attribute (an end-user id, a name); null passes.
     *
     * @throws GatewayError (invalid request, naming {@code param}) on control or direction characters, lone surrogates,
     *         or more than {@code max} characters
     */
    public static String attribute(String param, String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw GatewayError.invalid(param, "'" + param + "' is longer than " + max + " characters.");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
                continue;
            }
            if (refused(c)) {
                throw GatewayError.invalid(param, "'" + param + "' must not hold control or text-direction characters "
                        + "(found " + describe(c) + " at position " + i + ").");
            }
        }
        return value;
    }

    /**
     * A value made safe for one log field: control and direction characters (newlines above all, which could forge a
     * log line) as {@code \\uXXXX}, cut to a bounded length. Null stays {@code null}.
     */
    public static String forLog(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        int end = Math.min(text.length(), MAX_LOG);
        StringBuilder sb = null;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            boolean escape = refused(c) && !(Character.isSurrogate(c) && pairedAt(text, i));
            if (escape && sb == null) {
                sb = new StringBuilder(end + 16).append(text, 0, i);
            }
            if (sb != null) {
                sb.append(escape ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        String out = sb == null ? text.substring(0, end) : sb.toString();
        return end < text.length() ? out + "…(" + text.length() + " chars)" : out;
    }

    private static boolean pairedAt(String text, int i) {
        char c = text.charAt(i);
        return Character.isHighSurrogate(c)
                ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }

    private static boolean modelChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':'
                || c == '/' || c == '@' || c == '-';
    }

    /** C0 and C1 controls, DEL, line and paragraph separators, bidirectional marks and overrides, surrogates. */
    private static boolean refused(char c) {
        return c < 0x20 || c >= 0x7F && c <= 0x9F || c == '\u2028' || c == '\u2029' || c == '\u200E' || c == '\u200F'
                || c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069' || c == '\u061C'
                || Character.isSurrogate(c);
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
