package dev.tokenledger.canonical;

/** One part of a message's content. */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image {

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
}
