package dev.tokenledger.wire.openai;

import dev.tokenledger.canonical.ContentPart;
import dev.tokenledger.canonical.GatewayError;

/**
 * The image URLs of OpenAI's chat and Responses formats: an {@code https:} URL, or the image itself as a
 * {@code data:<media type>;base64,<data>} URL.
 */
final class OpenAiImageUrls {

    private static final String DATA = "data:";
    private static final String BASE64 = ";base64,";

    private OpenAiImageUrls() {
    }

    /**
     * An image URL as a canonical image.
     *
     * @param path where the URL stands in the request, for the error of a data URL that is not base64
     */
    static ContentPart.Image toCanonical(String url, String detail, String path) {
        if (url.startsWith(DATA)) {
            int semi = url.indexOf(BASE64);
            if (semi < 0) {
                throw GatewayError.invalid(path, "Invalid image data URL in '" + path + "'.");
            }
            return new ContentPart.Image(null, url.substring(DATA.length(), semi),
                    url.substring(semi + BASE64.length()), detail);
        }
        return new ContentPart.Image(url, null, null, detail);
    }

    /** A canonical image as an image URL: its URL, else its bytes as a data URL. */
    static String toWire(ContentPart.Image image) {
        return image.url() != null ? image.url() : DATA + image.mediaType() + BASE64 + image.base64Data();
    }
}
