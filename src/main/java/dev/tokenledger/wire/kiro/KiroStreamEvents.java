package dev.tokenledger.wire.kiro;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.canonical.ChatChunk;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.json.Json;
import dev.tokenledger.stream.EventStreamFrame;
import dev.tokenledger.wire.EventStreamEvents;
import dev.tokenledger.wire.SseChunkDecoder;

/**
 * The events of a Kiro answer as canonical chunks. Payloads come bare or wrapped in an object named after their event
 * type; both are read. {@code assistantResponseEvent} ({@code content}) is text, {@code reasoningContentEvent}
 * ({@code text}, {@code signature}, {@code redactedContent}) reasoning, {@code toolUseEvent} ({@code toolUseId},
 * {@code name}, {@code input} as a JSON fragment or a whole value, {@code stop}) a tool call built up over several
 * events, {@code metadataEvent} ({@code tokenUsage}) usage where the service reports it, {@code meteringEvent}
 * ({@code {"unit":"credit","unitPlural":"credits","usage":0.0123}}) the credits the request is billed (several are
 * added; a unit other than credits is ignored). A usage report carries both: the last token usage with the credits so
 * far; with credits but no token usage its source is {@link Usage.Source#ESTIMATED} (tokens to be counted by the
 * gateway, the credits kept). {@code invalidStateEvent} and exception or error frames end the stream with an error;
 * other events (context usage, follow-up prompts, web links, code references) carry nothing to forward. Kiro names no stop reason and may send no
 * closing event: an answer is complete when the stream closes between two frames (or at {@code messageStopEvent}); it
 * ends with {@code tool_calls} when it called a tool, else {@code stop}.
 */
public final class KiroStreamEvents implements EventStreamEvents {

    /** Tool calls per stream at most. */
    private static final int MAX_TOOLS = 4096;
    /** Credits per answer at most (far beyond any real answer; keeps the count a long). */
    private static final BigDecimal MAX_CREDITS = BigDecimal.valueOf(1_000_000_000);
    /** Kiro's signed reasoning comes from Anthropic's models, like Bedrock's. */
    static final String FAMILY = "anthropic";

    private final Map<String, Integer> tools = new LinkedHashMap<>();
    private final EventStreamEvents.StartOnce start = new EventStreamEvents.StartOnce("msg_kiro_");
    private boolean stopped;
    /** The last token usage reported, or null. */
    private Usage tokens;
    /** Credits reported so far, in exact decimal. */
    private BigDecimal credits;

    @Override
    public void onFrame(EventStreamFrame frame, Consumer<ChatChunk> sink) {
        if (frame.failure()) {
            throw KiroErrors.streamException(frame.exceptionType() != null
                    ? frame.exceptionType()
                    : frame.headers().get(":error-code"), frame.payload());
        }
        String type = frame.eventType();
        if (type == null || stopped) {
            return;
        }
        ObjectNode event = Json.tryParseObject(frame.payload());
        if (event == null) {
            throw SseChunkDecoder.protocolError("The upstream sent a malformed " + type + " event.");
        }
        if (event.get(type) instanceof ObjectNode wrapped) {
            event = wrapped;
        }
        start.emit(sink);
        switch (type) {
            case "assistantResponseEvent" -> {
                String text = event.path("content").asText("");
                if (!text.isEmpty()) {
                    sink.accept(new ChatChunk.Text(0, text));
                }
            }
            case "reasoningContentEvent" -> {
                String text = event.hasNonNull("text") ? event.get("text").asText() : null;
                String signature = event.hasNonNull("signature") ? event.get("signature").asText() : null;
                String redacted = event.hasNonNull("redactedContent") ? event.get("redactedContent").asText() : null;
                if (text != null || signature != null || redacted != null) {
                    sink.accept(new ChatChunk.Reasoning(0, text, signature, redacted, FAMILY));
                }
            }
            case "toolUseEvent" -> toolUse(event, sink);
            case "metadataEvent" -> {
                Usage usage = usage(event.path("tokenUsage"));
                if (usage != null) {
                    tokens = usage;
                    sink.accept(new ChatChunk.UsageReport(report()));
                }
            }
            case "meteringEvent" -> {
                BigDecimal metered = credits(event);
                if (metered != null) {
                    credits = credits == null ? metered : credits.add(metered);
                    if (credits.compareTo(MAX_CREDITS) > 0) {
                        throw SseChunkDecoder.protocolError("The upstream metered more than " + MAX_CREDITS
                                + " credits.");
                    }
                    sink.accept(new ChatChunk.UsageReport(report()));
                }
            }
            case "invalidStateEvent" -> throw GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 500,
                    "The upstream failed inside the stream (invalidStateEvent): " + event.path("message").asText(
                            event.path("reason").asText("")),
                    "upstream_error");
            case "messageStopEvent" -> finish(sink);
            default -> {
                // contextUsageEvent, followupPromptEvent, … carry nothing to forward
            }
        }
    }

    private void toolUse(ObjectNode event, Consumer<ChatChunk> sink) {
        String id = event.path("toolUseId").asText(null);
        if (id == null) {
            throw SseChunkDecoder.protocolError("The upstream sent a tool call without an id.");
        }
        Integer index = tools.get(id);
        if (index == null) {
            if (tools.size() >= MAX_TOOLS) {
                throw SseChunkDecoder.protocolError("The upstream stream holds more than " + MAX_TOOLS
                        + " tool calls.");
            }
            index = tools.size();
            tools.put(id, index);
            sink.accept(new ChatChunk.ToolCallStart(0, index, id, event.path("name").asText("")));
        }
        JsonNode input = event.get("input");
        String fragment = input == null || input.isNull() ? "" : input.isTextual() ? input.asText() : input.toString();
        if (!fragment.isEmpty()) {
            sink.accept(new ChatChunk.ToolArguments(0, index, fragment));
        }
    }

    /** The usage of a {@code metadataEvent}'s {@code tokenUsage}, or null when it holds none. */
    static Usage usage(JsonNode tokens) {
        if (!tokens.isObject() || !tokens.has("outputTokens")) {
            return null;
        }
        long cacheRead = tokens.path("cacheReadInputTokens").asLong(0);
        long cacheWrite = tokens.path("cacheWriteInputTokens").asLong(0);
        long prompt = tokens.path("uncachedInputTokens").asLong(0) + cacheRead + cacheWrite;
        return new Usage(prompt, cacheRead, cacheWrite, tokens.path("outputTokens").asLong(0), 0,
                Usage.Source.PROVIDER);
    }

    /**
     * The credits of a {@code meteringEvent}: its {@code usage} as an exact decimal (the number as written), or null
     * when it names another unit or holds no usable number.
     */
    static BigDecimal credits(JsonNode event) {
        String unit = event.path("unit").asText(event.path("unitPlural").asText("credit")).toLowerCase(Locale.ROOT);
        JsonNode usage = event.get("usage");
        if (!unit.equals("credit") && !unit.equals("credits") || usage == null || !usage.isNumber()) {
            return null;
        }
        BigDecimal value = usage.isBigDecimal() ? usage.decimalValue() : new BigDecimal(usage.asText());
        return value.signum() < 0 ? null : value;
    }

    /** Millionths of credits, half-up. */
    static long microCredits(BigDecimal credits) {
        return credits.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** The usage so far: the last token usage with the credits, or (no token usage) estimated tokens with them. */
    private Usage report() {
        Usage base = tokens != null ? tokens : Usage.NONE;
        return credits == null ? base : base.withDetail(base.detail().withMicroCredits(microCredits(credits)));
    }

    private void finish(Consumer<ChatChunk> sink) {
        if (!stopped) {
            start.emit(sink);
            stopped = true;
            sink.accept(new ChatChunk.Finish(0, tools.isEmpty() ? "stop" : "tool_calls", null));
        }
    }

    @Override
    public void onEnd(Consumer<ChatChunk> sink) {
        if (start.emitted()) {
            finish(sink);
        }
    }

    @Override
    public boolean stopped() {
        return stopped;
    }
}
