package dev.tokenledger.canonical;

/** One part of a message's content. */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image, ContentPart.Reasoning {

    /** Plain text. */
    record Text(String text) implements ContentPart {
    }

    /**
     * An image, either by URL or inline.
     *
     * @param url an http(s) URL, or null when the image is inline
     * @param mediaType the media type of inline data, e.g. {@code image/png}, or null
     * @param base64Data inline data in base64, or null
     * @param detail a detail hint ({@code auto}, {@code low}, {@code high}), or null
     */
    record Image(String url, String mediaType, String base64Data, String detail) implements ContentPart {
    }

    /**
     * The model's reasoning (thinking) as its provider returned it. A signature or redacted data is only valid for the
     * provider family that produced it: encoders pass it intact to the same family and drop the part for any other,
     * since a foreign signature is rejected upstream.
     *
     * @param text the reasoning text, or null when only redacted data exists
     * @param signature the provider's signature over the reasoning, or null
     * @param redactedData opaque encrypted reasoning (e.g. Anthropic {@code redacted_thinking}), or null
     * @param family the family that produced it: {@code anthropic}, {@code gemini}, {@code openai}
     */
    record Reasoning(String text, String signature, String redactedData, String family) implements ContentPart {

        /** Whether this part may be sent to an upstream of the given family. */
        public boolean representableIn(String targetFamily) {
            return (signature == null && redactedData == null) || family.equals(targetFamily);
        }
    }
}
