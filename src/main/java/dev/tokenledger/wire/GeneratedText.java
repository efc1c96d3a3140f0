package dev.tokenledger.wire;

import dev.tokenledger.canonical.ChatChunk;

/**
 * The text a stream generated (answer text, reasoning, tool names and arguments), read from its canonical chunks and
 * capped, for estimating usage an upstream did not report.
 */
public final class GeneratedText {

    /** Generated text kept at most, here and by the relays that read it from their format's events. */
    public static final int MAX_CHARS = 1 << 20;

    private final StringBuilder text = new StringBuilder();

    /** Adds what a chunk generated, if anything. */
    public void add(ChatChunk chunk) {
        if (chunk instanceof ChatChunk.Text t) {
            keep(t.text());
        } else if (chunk instanceof ChatChunk.Reasoning r) {
            keep(r.text());
        } else if (chunk instanceof ChatChunk.ToolCallStart s) {
            keep(s.name());
        } else if (chunk instanceof ChatChunk.ToolArguments a) {
            keep(a.fragment());
        }
    }

    private void keep(String generated) {
        if (generated != null && text.length() < MAX_CHARS) {
            text.append(generated);
        }
    }

    public CharSequence text() {
        return text;
    }
}
