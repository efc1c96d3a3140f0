package dev.tokenledger.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tokenledger.admin.AdminErrors;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.wire.InboundCodec;
import dev.tokenledger.wire.InboundCodecs;

/**
 * Which wire format an inbound path speaks, so that errors raised anywhere on the path (filters, mappers, the
 * pipeline) are answered in the shape the client's SDK understands.
 */
@ApplicationScoped
public class ApiFormats {

    private final InboundCodecs codecs;

    @Inject
    public ApiFormats(InboundCodecs codecs) {
        this.codecs = codecs;
    }

    public WireFormat formatOf(String path) {
        if (path.startsWith("/v1beta/")) {
            return WireFormat.GEMINI;
        }
        if (path.startsWith("/v1/messages")) {
            return WireFormat.ANTHROPIC;
        }
        if (path.startsWith("/v1/responses")) {
            return WireFormat.OPENAI_RESPONSES;
        }
        if (path.equals("/v1/completions")) {
            return WireFormat.OPENAI_COMPLETIONS;
        }
        if (path.startsWith("/api/")) {
            return WireFormat.OLLAMA;
        }
        return WireFormat.OPENAI_CHAT;
    }

    /** Whether a path is an inference API path (as opposed to admin, health or metrics). */
    public static boolean isInferencePath(String path) {
        return path.startsWith("/v1/") || path.equals("/v1") || path.startsWith("/v1beta/") || path.startsWith("/api/");
    }

    /** The body of an error on a path, in the shape of that path's format (the admin API's own on admin paths). */
    public byte[] renderError(String path, GatewayError error) {
        if (AdminErrors.isAdminPath(path)) {
            return AdminErrors.body(error);
        }
        return codecOf(path).encodeError(error);
    }

    /** The HTTP status of an error on a path, as that path's format answers it. */
    public int errorStatus(String path, GatewayError error) {
        if (AdminErrors.isAdminPath(path)) {
            return error.httpStatus();
        }
        return codecOf(path).errorStatus(error);
    }

    private InboundCodec codecOf(String path) {
        return codecs.find(formatOf(path)).or(() -> codecs.find(WireFormat.OPENAI_CHAT)).orElseThrow();
    }
}
