package dev.tokenledger.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tokenledger.json.Json;
import dev.tokenledger.stream.SseEvent;

/**
 * Base of the pass-through relays of SSE formats whose events are JSON objects, read in their own format for usage,
 * generated text and the end of the answer (OpenAI's chat and Responses streams, Gemini's): an event that is not JSON
 * ends the stream with a protocol error; the subclass collects the text and says when the answer ended.
 */
public abstract class JsonSsePassthroughRelay extends SsePassthroughRelay {

    /** The text the stream generated; the subclass adds to it while it is shorter than {@link GeneratedText#MAX_CHARS}. */
    protected final StringBuilder text = new StringBuilder();
    private boolean done;

    protected JsonSsePassthroughRelay(StreamLimits limits) {
        super(limits);
    }

    /** The event's data as a JSON object; null when it is not one, and the stream has then ended with an error. */
    protected final ObjectNode parse(SseEvent event) {
        ObjectNode data = Json.tryParseObject(event.data());
        if (data == null) {
            fail(SseChunkDecoder.protocolError("The upstream sent a stream event that is not JSON."));
        }
        return data;
    }

    /** The upstream delivered the answer's end. */
    protected final void finished() {
        done = true;
    }

    @Override
    protected final boolean done() {
        return done;
    }

    @Override
    public final CharSequence generatedText() {
        return text;
    }
}
