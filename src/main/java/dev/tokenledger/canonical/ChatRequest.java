package dev.tokenledger.canonical;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chat request in the gateway's own terms, whatever format the client spoke.
 *
 * @param model the model the client asked for (an alias or {@code provider/model})
 * @param toolChoice {@code none}, {@code auto}, {@code required}, a function name wrapped as a map, or null
 * @param maxTokens the output token cap the client asked for, or null
 * @param stream whether the client wants a stream
 * @param includeUsage whether a streaming client asked for a usage report at the end of the stream
 * @param reasoning how much the model should reason, when the client asked; null for the model's default
 * @param user the end-user id the client passed, or null
 * @param extra request fields of the inbound format that the canonical model does not name, as plain JSON values;
 *        forwarded to upstreams of the same format, never dropped silently
 * @param source the inbound body as parsed, so an upstream of the same format can forward it with minimal change
 */
public record ChatRequest(String model, List<Message> messages, List<ToolSpec> tools, Object toolChoice,
        Boolean parallelToolCalls, Integer maxTokens, Double temperature, Double topP, List<String> stop,
        Map<String, Object> responseFormat, Reasoning reasoning, boolean stream, boolean includeUsage, String user,
        Map<String, Object> extra, SourceBody source) {

    public ChatRequest {
        messages = messages == null ? List.of() : List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        stop = stop == null ? List.of() : List.copyOf(stop);
        // JSON null is a legitimate value of an unknown field, so no Map.copyOf here
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** A request without reasoning options. */
    public ChatRequest(String model, List<Message> messages, List<ToolSpec> tools, Object toolChoice,
            Boolean parallelToolCalls, Integer maxTokens, Double temperature, Double topP, List<String> stop,
            Map<String, Object> responseFormat, boolean stream, boolean includeUsage, String user,
            Map<String, Object> extra, SourceBody source) {
        this(model, messages, tools, toolChoice, parallelToolCalls, maxTokens, temperature, topP, stop, responseFormat,
                null, stream, includeUsage, user, extra, source);
    }

    /** Whether the client spoke {@code format}: the {@link #source} is then a body of that format. */
    public boolean arrivedIn(WireFormat format) {
        return source != null && source.format() == format;
    }

    /**
     * A request built by name: each inbound format's decoder sets what its body carries; what it leaves unset is
     * null, empty or false.
     *
     * @param model the model the client asked for
     * @param source the inbound body as parsed
     */
    public static Builder builder(String model, SourceBody source) {
        return new Builder(model, source);
    }

    /** Names the parts of a {@link ChatRequest}; see the record's components for their meaning. */
    public static final class Builder {
        private final String model;
        private final SourceBody source;
        private List<Message> messages;
        private List<ToolSpec> tools;
        private Object toolChoice;
        private Boolean parallelToolCalls;
        private Integer maxTokens;
        private Double temperature;
        private Double topP;
        private List<String> stop;
        private Map<String, Object> responseFormat;
        private Reasoning reasoning;
        private boolean stream;
        private boolean includeUsage;
        private String user;
        private Map<String, Object> extra;

        private Builder(String model, SourceBody source) {
            this.model = model;
            this.source = source;
        }

        public Builder messages(List<Message> messages) {
            this.messages = messages;
            return this;
        }

        /** The tools the model may call, and how it must choose among them (null: the model's default). */
        public Builder tools(List<ToolSpec> tools, Object toolChoice, Boolean parallelToolCalls) {
            this.tools = tools;
            this.toolChoice = toolChoice;
            this.parallelToolCalls = parallelToolCalls;
            return this;
        }

        /** The sampling settings: output cap, temperature, top-p and stop sequences (null: not asked for). */
        public Builder sampling(Integer maxTokens, Double temperature, Double topP, List<String> stop) {
            this.maxTokens = maxTokens;
            this.temperature = temperature;
            this.topP = topP;
            this.stop = stop;
            return this;
        }

        public Builder responseFormat(Map<String, Object> responseFormat) {
            this.responseFormat = responseFormat;
            return this;
        }

        public Builder reasoning(Reasoning reasoning) {
            this.reasoning = reasoning;
            return this;
        }

        /** Whether the client wants a stream, and a usage report at its end. */
        public Builder stream(boolean stream, boolean includeUsage) {
            this.stream = stream;
            this.includeUsage = includeUsage;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder extra(Map<String, Object> extra) {
            this.extra = extra;
            return this;
        }

        public ChatRequest build() {
            return new ChatRequest(model, messages, tools, toolChoice, parallelToolCalls, maxTokens, temperature, topP,
                    stop, responseFormat, reasoning, stream, includeUsage, user, extra, source);
        }
    }

    /**
     * How much to reason.
     *
     * @param effort {@code minimal}, {@code low}, {@code medium}, {@code high}, or null
     * @param budgetTokens a thinking budget in tokens, or null; {@code 0} turns reasoning off
     */
    public record Reasoning(String effort, Integer budgetTokens) {
    }

    /**
     * The body a request arrived with.
     *
     * @param format the inbound wire format
     * @param body the parsed body in the representation that format's mapper uses
     */
    public record SourceBody(WireFormat format, Object body) {
    }
}
