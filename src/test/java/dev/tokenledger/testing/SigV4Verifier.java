package dev.tokenledger.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A reference implementation of AWS Signature Version 4 written from AWS's documentation, independent of the SDK the
 * gateway signs with: it rebuilds the canonical request and string to sign of a received request and checks its
 * {@code Authorization} header with the test key, so a stand-in upstream can refuse every request whose signature
 * does not verify (the path is encoded a second time, as for every service but S3).
 */
public final class SigV4Verifier {

    public static final String KEY_ID = "AKIDEXAMPLE";
    public static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private SigV4Verifier() {
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The canonical request of a request (no query string), signing the named headers. */
    public static String canonicalRequest(String method, String rawPath, List<String> signedHeaders,
            Function<String, String> header, byte[] body) {
        StringBuilder sb = new StringBuilder(method).append('\n');
        StringBuilder path = new StringBuilder();
        for (String segment : rawPath.split("/", -1)) {
            if (path.length() > 0 || rawPath.startsWith("/")) {
                path.append('/');
            }
            path.append(segment.replace("%", "%25"));
        }
        sb.append(path.substring(rawPath.startsWith("/") ? 1 : 0)).append("\n\n");
        for (String name : signedHeaders) {
            sb.append(name).append(':').append(header.apply(name).trim().replaceAll(" +", " ")).append('\n');
        }
        sb.append('\n').append(String.join(";", signedHeaders)).append('\n')
                .append(sha256Hex(body == null ? new byte[0] : body));
        return sb.toString();
    }

    /** The signature of a canonical request. */
    public static String signature(String canonicalRequest, String amzDate, String region, String service,
            String secret) {
        String date = amzDate.substring(0, 8);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return HexFormat.of().formatHex(hmac(key, toSign));
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Why a received request's signature does not verify with the test key, or null when it does.
     *
     * @param headers the received headers (any case)
     */
    public static String problem(String method, String rawPath, Map<String, String> headers, byte[] body,
            String region, String service) {
        Map<String, String> lower = new TreeMap<>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        String authorization = lower.get("authorization");
        if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
            return "no SigV4 Authorization header";
        }
        Map<String, String> parts = new TreeMap<>();
        for (String part : authorization.substring("AWS4-HMAC-SHA256 ".length()).split(",\\s*")) {
            int eq = part.indexOf('=');
            parts.put(part.substring(0, eq), part.substring(eq + 1));
        }
        String amzDate = lower.get("x-amz-date");
        String expectedCredential = KEY_ID + "/" + amzDate.substring(0, 8) + "/" + region + "/" + service
                + "/aws4_request";
        if (!expectedCredential.equals(parts.get("Credential"))) {
            return "credential scope " + parts.get("Credential") + ", expected " + expectedCredential;
        }
        List<String> signed = new ArrayList<>(List.of(parts.get("SignedHeaders").split(";")));
        for (String required : List.of("host", "x-amz-date")) {
            if (!signed.contains(required)) {
                return "header " + required + " is not signed";
            }
        }
        if (lower.containsKey("x-amz-security-token") && !signed.contains("x-amz-security-token")) {
            return "the session token is not signed";
        }
        for (String name : signed) {
            if (!lower.containsKey(name)) {
                return "signed header " + name + " was not received";
            }
        }
        String expected = signature(canonicalRequest(method, rawPath, signed, lower::get, body), amzDate, region,
                service, SECRET);
        return expected.equals(parts.get("Signature")) ? null : "signature mismatch";
    }
}
