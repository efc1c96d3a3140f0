package dev.tokenledger.provider;

import java.util.Map;

import io.smallrye.mutiny.Uni;

/**
 * The calls of a device authorization grant whose server does not take RFC 8628's forms (AWS SSO OIDC registers a
 * client first and speaks JSON with camelCase names). The gateway keeps the login itself (one poller across replicas,
 * intervals, {@code slow_down}, outcomes); a grant only makes the calls and reads their answers into these records. A
 * type hands its grant out with its {@link LoginCapable.LoginSpec}.
 */
public interface DeviceGrant {

    /**
     * Asks for device codes, registering a client first when the server wants one.
     *
     * @return the codes; fails with a {@link dev.tokenledger.canonical.GatewayError} when the server refused
     */
    Uni<Codes> start();

    /**
     * Polls the token endpoint once for a device code.
     *
     * @param client what {@link Codes#client()} returned when the login started
     */
    Uni<Poll> poll(Map<String, String> client, String deviceCode);

    /**
     * Device codes.
     *
     * @param expiresIn seconds the device code lives
     * @param interval seconds between two polls
     * @param client what the polls and the stored credential need besides (a registered client and its secret, the
     *        token endpoint): kept sealed with the login, then in the credential's grant
     */
    record Codes(String deviceCode, String userCode, String verificationUri, String verificationUriComplete,
            long expiresIn, int interval, Map<String, String> client) {

        public Codes {
            client = client == null ? Map.of() : Map.copyOf(client);
        }

        @Override
        public String toString() {
            return "Codes[userCode=" + userCode + "]";
        }
    }

    /**
     * One poll's outcome: a token, or an RFC 8628 error code ({@code authorization_pending}, {@code slow_down},
     * {@code access_denied}, {@code expired_token}, …), or neither when the server could not be reached or answered
     * outside the protocol (polled again at the next interval).
     *
     * @param interval a new interval the server named with {@code slow_down}, or 0
     */
    record Poll(Token token, String error, int interval) {

        @Override
        public String toString() {
            return "Poll[" + (token != null ? "token" : error) + "]";
        }
    }

    /**
     * A token a login obtained.
     *
     * @param expiresIn seconds it lives, or 0 when the server did not say
     */
    record Token(String accessToken, String refreshToken, long expiresIn) {

        @Override
        public String toString() {
            return "Token[expiresIn=" + expiresIn + "]";
        }
    }
}
