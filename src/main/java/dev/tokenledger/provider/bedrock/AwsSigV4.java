package dev.tokenledger.provider.bedrock;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * AWS Signature Version 4 through the AWS SDK's own signer ({@link AwsV4HttpSigner}), for requests the gateway sends
 * with its Vert.x client: the request is described to the signer as an {@link SdkHttpRequest} with the exact body
 * bytes, and the headers the signer adds ({@code X-Amz-Date}, {@code Authorization}, {@code X-Amz-Security-Token} with
 * temporary credentials) are copied onto the outgoing request. Every header handed in is signed, so the request must
 * be sent with exactly those headers (the client adds {@code Host} from the same URL, and {@code Content-Length},
 * which is not signed). The path is encoded a second time in the canonical request, as every service but S3 wants.
 *
 * @param service the signing name ({@code bedrock} for Bedrock Runtime, whose host says {@code bedrock-runtime})
 * @param clock the time to sign at (fixed in tests)
 */
public record AwsSigV4(String service, String region, Clock clock) {

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    /**
     * Signs one request.
     *
     * @param url the full URL, its path already percent-encoded as it is sent
     * @param headers the headers that will be sent (all are signed)
     * @param body the exact body bytes that will be sent, or null
     * @return the headers to send: the given ones and the signer's
     */
    public Map<String, String> sign(String method, String url, Map<String, String> headers, byte[] body,
            AwsCredentialsIdentity credentials) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method))
                .uri(URI.create(url));
        headers.forEach(request::putHeader);
        SignedRequest signed = SIGNER.sign(r -> r.identity(credentials).request(request.build())
                .payload(body == null ? null : ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
            if (!header.getKey().equalsIgnoreCase("Host")) {
                out.put(header.getKey(), String.join(",", header.getValue()));
            }
        }
        return out;
    }
}
