package dev.tokenledger.provider.kiro;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.json.Json;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.HttpProvider;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.UpstreamHttp;
import dev.tokenledger.provider.UpstreamReply;
import dev.tokenledger.provider.UpstreamStream;
import dev.tokenledger.wire.kiro.KiroErrors;

/**
 * Kiro's chat API: {@code POST <base>/generateAssistantResponse}, always answered with an AWS event stream (a
 * non-streaming call reads it whole). Sent with the credential's SSO OIDC token as bearer, its profile ARN in the body
 * (when it has one), and per request {@code amz-sdk-invocation-id}, {@code amz-sdk-request},
 * {@code x-amzn-codewhisperer-optout: true} and the agent mode; the credential's fingerprint
 * ({@code x-amz-user-agent}) comes with the settings' headers.
 */
public final class KiroProvider extends HttpProvider {

    private final String url;
    private final String profileArn;
    private final Map<String, String> headers;

    KiroProvider(ProviderSettings settings, String base, UpstreamHttp http, String profileArn) {
        super(settings, http);
        this.url = base + "/generateAssistantResponse";
        this.profileArn = profileArn;
        Map<String, String> own = new LinkedHashMap<>(bearer(settings));
        own.put("x-amzn-codewhisperer-optout", "true");
        settings.option(KiroProviderFactory.AGENT_MODE).filter(v -> !v.isBlank())
                .ifPresent(v -> own.put("x-amzn-kiro-agent-mode", v));
        settings.option(KiroProviderFactory.USER_AGENT).filter(v -> !v.isBlank())
                .ifPresent(v -> own.put("User-Agent", v));
        this.headers = headers("application/vnd.amazon.eventstream", own);
    }

    @Override
    public WireFormat format() {
        return WireFormat.KIRO;
    }

    @Override
    public Uni<UpstreamReply> chat(ChatCall call) {
        return Uni.createFrom().deferred(() -> http.post(url, traced(perRequest(), call), body(call.body()),
                KiroErrors::message));
    }

    @Override
    public Uni<UpstreamStream> chatStream(ChatCall call) {
        return Uni.createFrom().deferred(() -> http.postStream(url, traced(perRequest(), call), body(call.body()),
                KiroErrors::message));
    }

    private Map<String, String> perRequest() {
        Map<String, String> out = new LinkedHashMap<>(headers);
        out.put("amz-sdk-invocation-id", UUID.randomUUID().toString());
        out.put("amz-sdk-request", "attempt=1; max=3");
        return out;
    }

    /** The codec's body with the credential's profile ARN. */
    private byte[] body(byte[] body) {
        if (profileArn == null) {
            return body;
        }
        ObjectNode root = Json.tryParseObject(body);
        if (root == null) {
            return body;
        }
        root.put("profileArn", profileArn);
        return Json.write(root);
    }
}
