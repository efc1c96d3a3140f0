package dev.tokenledger.provider.kiro;

import java.util.LinkedHashMap;
import java.util.Map;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.provider.AuthHttp;
import dev.tokenledger.provider.DeviceGrant;

/**
 * Kiro's device login through AWS SSO OIDC: every login registers its own public client (RegisterClient), asks for
 * device codes for the start URL (AWS Builder ID's {@code https://view.awsapps.com/start} or an IAM Identity Center
 * access portal) and polls CreateToken with the device-code grant. The registered client (id, secret, its expiry) and
 * where it was registered are kept with the login and then in the credential's grant, for its refreshes.
 */
record KiroDeviceGrant(SsoOidc oidc, String oidcUrl, String startUrl, String region, String clientName, String scopes)
        implements
            DeviceGrant {

    @Override
    public Uni<Codes> start() {
        return oidc.register(oidcUrl, clientName, scopes).onFailure().transform(KiroDeviceGrant::unreachable)
                .flatMap(registered -> {
                    Map<String, String> client = SsoOidc.client(registered, oidcUrl, clientName, scopes);
                    if (client == null) {
                        return Uni.createFrom().failure(refused("RegisterClient", registered));
                    }
                    client.put(SsoOidc.START_URL, startUrl);
                    client.put(SsoOidc.REGION, region);
                    return oidc.startDeviceAuthorization(oidcUrl, client.get(SsoOidc.CLIENT_ID),
                            client.get(SsoOidc.CLIENT_SECRET), startUrl)
                            .onFailure().transform(KiroDeviceGrant::unreachable)
                            .map(answer -> codes(answer, client));
                });
    }

    private static Codes codes(AuthHttp.Answer answer, Map<String, String> client) {
        String deviceCode = answer.text("deviceCode");
        String userCode = answer.text("userCode");
        String verification = answer.text("verificationUri");
        if (answer.status() != 200 || deviceCode == null || userCode == null || verification == null) {
            throw refused("StartDeviceAuthorization", answer);
        }
        return new Codes(deviceCode, userCode, verification, answer.text("verificationUriComplete"),
                answer.json().path("expiresIn").asLong(600), answer.json().path("interval").asInt(5),
                new LinkedHashMap<>(client));
    }

    @Override
    public Uni<Poll> poll(Map<String, String> client, String deviceCode) {
        return oidc.deviceToken(client.getOrDefault(SsoOidc.OIDC_URL, oidcUrl), client.get(SsoOidc.CLIENT_ID),
                client.get(SsoOidc.CLIENT_SECRET), deviceCode).map(answer -> {
                    String access = answer.text("accessToken");
                    if (answer.status() == 200 && access != null) {
                        return new Poll(new Token(access, answer.text("refreshToken"),
                                answer.json().path("expiresIn").asLong(0)), null, 0);
                    }
                    return new Poll(null, SsoOidc.error(answer), 0);
                });
    }

    private static GatewayError unreachable(Throwable failure) {
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "AWS SSO OIDC could not be reached.",
                "upstream_unreachable");
    }

    private static GatewayError refused(String call, AuthHttp.Answer answer) {
        String error = SsoOidc.error(answer);
        return GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, answer.status(), "AWS SSO OIDC refused " + call
                + " (HTTP " + answer.status() + (error != null ? ", " + bounded(error) : "") + ").", "upstream_error");
    }

    static String bounded(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", " ");
        return clean.length() > 100 ? clean.substring(0, 100) + "…" : clean;
    }
}
