package dev.tokenledger.provider.bedrock;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.WireFormat;
import dev.tokenledger.provider.ChatCall;
import dev.tokenledger.provider.HttpProvider;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.UpstreamHttp;
import dev.tokenledger.provider.UpstreamReply;
import dev.tokenledger.provider.UpstreamStream;
import dev.tokenledger.wire.bedrock.BedrockErrors;
import dev.tokenledger.wire.bedrock.BedrockInvoke;

/**
 * Amazon Bedrock Runtime: {@code POST <base>/model/<model>/converse} and {@code /converse-stream} (the Converse
 * format), or {@code /invoke} and {@code /invoke-with-response-stream} with Anthropic Messages bodies. The model id
 * (a model id, an inference profile id or an ARN) is percent-encoded into one path segment. Each request is signed
 * with SigV4 ({@link AwsSigV4}) over its exact body, with the credentials of {@link AwsCredentialSource}.
 */
public final class BedrockProvider extends HttpProvider {

    /** Frames of an invoke stream at most this large (Bedrock's own limit is 16 MiB of payload). */
    private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024 + 128 * 1024;

    private final boolean invoke;
    private final BedrockRegion region;
    private final AwsCredentialSource credentials;

    BedrockProvider(ProviderSettings settings, UpstreamHttp http, boolean invoke, BedrockRegion region,
            AwsCredentialSource credentials) {
        super(settings, http);
        this.invoke = invoke;
        this.region = region;
        this.credentials = credentials;
    }

    @Override
    public WireFormat format() {
        return invoke ? WireFormat.ANTHROPIC : WireFormat.BEDROCK_CONVERSE;
    }

    @Override
    public Uni<UpstreamReply> chat(ChatCall call) {
        byte[] body = invoke ? BedrockInvoke.toInvokeBody(call.body()) : call.body();
        return signed(call, invoke ? "/invoke" : "/converse", "application/json", body)
                .flatMap(request -> http.post(request.url(), request.headers(), body, BedrockErrors::message));
    }

    @Override
    public Uni<UpstreamStream> chatStream(ChatCall call) {
        byte[] body = invoke ? BedrockInvoke.toInvokeBody(call.body()) : call.body();
        Uni<UpstreamStream> stream = signed(call, invoke ? "/invoke-with-response-stream" : "/converse-stream",
                "application/vnd.amazon.eventstream", body)
                .flatMap(request -> http.postStream(request.url(), request.headers(), body, BedrockErrors::message));
        if (!invoke) {
            return stream;
        }
        return stream.map(upstream -> {
            BedrockInvoke.SseStream sse = new BedrockInvoke.SseStream(MAX_FRAME_BYTES);
            return upstream.withBody(upstream.body().map(sse::feed).filter(bytes -> bytes.length > 0));
        });
    }

    /** A signed request: its URL and every header to send. */
    private record Signed(String url, Map<String, String> headers) {
    }

    private Uni<Signed> signed(ChatCall call, String action, String accept, byte[] body) {
        return region.get().flatMap(endpoint -> credentials.credentials().map(identity -> {
            String url = endpoint.baseUrl() + "/model/" + encodeSegment(call.upstreamModel()) + action;
            Map<String, String> headers = new LinkedHashMap<>(headers(accept, Map.of()));
            return new Signed(url, endpoint.signer().sign("POST", url, headers, body, identity));
        }));
    }

    /** A path segment percent-encoded with RFC 3986's unreserved set ({@code :} and {@code /} of ARNs included). */
    static String encodeSegment(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
                    || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
