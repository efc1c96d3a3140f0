package dev.tokenledger.provider.kiro;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.AuthHttp;
import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.LoginCapable;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderOption;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.ProviderType;

/**
 * Type {@code kiro}: Kiro (the Amazon Q Developer backend), {@code generateAssistantResponse} with AWS event-stream
 * answers. Credentials come from a device login through AWS SSO OIDC, with AWS Builder ID (the default start URL) or
 * an IAM Identity Center access portal ({@code start-url} and {@code region}, configured or given by the login);
 * tokens are refreshed with the refresh-token grant ({@link KiroTokens}) and the account's profile ARN is found at
 * login. Requests go to {@code https://q.<region>.amazonaws.com}, the region of the profile ARN, unless
 * {@code base-url} names another endpoint. Kiro bills per request in credits on a subscription, not per token: usage
 * is recorded in tokens (estimated when the answer reports none) and priced from the catalogue provider {@code kiro},
 * where a model without an entry is cost unknown.
 */
@Singleton // not proxied: the base class has no no-args constructor
public class KiroProviderFactory extends HttpProviderFactory implements LoginCapable {

    static final String START_URL = "start-url";
    static final String REGION = "region";
    static final String OIDC_URL = "oidc-url";
    static final String SCOPES = "scopes";
    static final String CLIENT_NAME = "client-name";
    static final String PROFILE_ARN = "profile-arn";
    static final String AGENT_MODE = "agent-mode";
    static final String USER_AGENT = "user-agent";
    static final String BUILDER_ID = "https://view.awsapps.com/start";
    static final String DEFAULT_SCOPES = "codewhisperer:completions codewhisperer:analysis codewhisperer:conversations";
    static final String DEFAULT_CLIENT_NAME = "TokenLedger";
    static final String DEFAULT_BASE = "https://q.us-east-1.amazonaws.com";
    static final Pattern PROFILE_ARN_SHAPE = Pattern.compile(
            "arn:aws[a-z-]*:codewhisperer:([a-z]{2}(?:-[a-z]+)+-\\d):\\d{12}:profile/[A-Za-z0-9_-]{1,128}");
    private static final String AWS_REGION = "[a-z]{2}(-[a-z]+)+-\\d";

    private final Vertx vertx;
    private volatile SsoOidc oidc;

    @Inject
    public KiroProviderFactory(Vertx vertx) {
        super(vertx, ProviderType.of("kiro", DEFAULT_BASE, "kiro",
                ProviderOption.of(START_URL, BUILDER_ID, "Start URL of the logins: AWS Builder ID's, or an IAM "
                        + "Identity Center access portal (https://<name>.awsapps.com/start); a login may name its own")
                        .matching("https://[A-Za-z0-9.-]+(:\\d+)?(/[A-Za-z0-9._~/-]*)?"),
                ProviderOption.of(REGION, "us-east-1", "AWS region of the logins' SSO OIDC: us-east-1 for Builder ID, "
                        + "the Identity Center's region otherwise; a login may name its own").matching(AWS_REGION),
                ProviderOption.optional(OIDC_URL, "SSO OIDC base URL, where {region} stands for the login's region; "
                        + "default https://oidc.{region}.amazonaws.com"),
                ProviderOption.of(SCOPES, DEFAULT_SCOPES, "Scopes the logins' client registers, space-separated"),
                ProviderOption.of(CLIENT_NAME, DEFAULT_CLIENT_NAME, "Client name the logins register"),
                ProviderOption.optional(PROFILE_ARN, "Profile ARN sent with every request; default: the one each "
                        + "credential's login found (none for Builder ID accounts without a profile)"),
                ProviderOption.of(AGENT_MODE, "vibe", "x-amzn-kiro-agent-mode header"),
                ProviderOption.of(USER_AGENT, "aws-sdk-js/1.0.27 KiroIDE", "User-Agent header; the credential's "
                        + "x-amz-user-agent adds its machine id")));
        this.vertx = vertx;
    }

    @Override
    public Provider create(ProviderSettings settings) {
        Optional<String> profile = settings.option(PROFILE_ARN).filter(v -> !v.isBlank());
        profile.ifPresent(arn -> {
            if (!PROFILE_ARN_SHAPE.matcher(arn).matches()) {
                throw new IllegalStateException("tokenledger.providers." + settings.id() + ".options.profile-arn: not "
                        + "a CodeWhisperer profile ARN (arn:aws:codewhisperer:<region>:<account>:profile/<id>)");
            }
        });
        return new KiroProvider(settings, apiBase(settings, profile.orElse(null)), http(settings),
                profile.orElse(null));
    }

    /** The API base: the configured base URL, else the profile ARN's region's endpoint, else us-east-1's. */
    static String apiBase(ProviderSettings settings, String profileArn) {
        if (settings.baseUrl().isPresent()) {
            String base = settings.baseUrl().get();
            return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        }
        String arn = profileArn != null ? profileArn : settings.option(PROFILE_ARN).orElse(null);
        Matcher m = arn == null ? null : PROFILE_ARN_SHAPE.matcher(arn);
        return m != null && m.matches() ? "https://q." + m.group(1) + ".amazonaws.com" : DEFAULT_BASE;
    }

    @Override
    public LoginSpec login(ProviderSettings settings) {
        String region = settings.option(REGION).orElseThrow();
        String oidcUrl = settings.option(OIDC_URL).filter(v -> !v.isBlank())
                .map(u -> (u.endsWith("/") ? u.substring(0, u.length() - 1) : u).replace("{region}", region))
                .orElse("https://oidc." + region + ".amazonaws.com");
        String scopes = settings.option(SCOPES).orElseThrow();
        KiroDeviceGrant grant = new KiroDeviceGrant(client(), oidcUrl, settings.option(START_URL).orElseThrow(), region,
                settings.option(CLIENT_NAME).orElseThrow(), scopes);
        return new LoginSpec("", Optional.empty(), scopes, Optional.of(oidcUrl + "/device_authorization"),
                Optional.empty(), oidcUrl + "/token", Optional.of(KiroTokens.ID), Optional.of(grant));
    }

    private SsoOidc client() {
        SsoOidc current = oidc;
        if (current == null) {
            synchronized (this) {
                if (oidc == null) {
                    oidc = new SsoOidc(new AuthHttp(vertx, Duration.ofSeconds(15)));
                }
                current = oidc;
            }
        }
        return current;
    }

    @Override
    public Set<String> loginOptions() {
        return Set.of(START_URL, REGION);
    }

    @Override
    public Map<String, String> fingerprint() {
        return Map.of("x-amz-user-agent", "{option:user-agent}-{machine-id}");
    }
}
