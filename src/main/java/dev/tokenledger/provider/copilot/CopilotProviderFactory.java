package dev.tokenledger.provider.copilot;

import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.LoginCapable;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderOption;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.ProviderType;

/**
 * Type {@code github-copilot}: GitHub Copilot's chat API in the OpenAI Chat Completions format. Credentials come from a
 * GitHub device login (or a browser login, with an OAuth app's client secret); the GitHub token is exchanged for a
 * short-lived Copilot token ({@link CopilotTokenExchange}), and requests go to the API base URL that exchange names.
 * Copilot is billed per premium request on a subscription, not per token: its models are priced by the catalogue
 * provider {@code github-copilot}, where a model without an entry is cost unknown.
 */
@Singleton // not proxied: the base class has no no-args constructor
public class CopilotProviderFactory extends HttpProviderFactory implements LoginCapable {

    static final String GITHUB_URL = "github-url";
    static final String GITHUB_API_URL = "github-api-url";
    static final String CLIENT_ID = "client-id";
    static final String CLIENT_SECRET = "client-secret";
    static final String SCOPE = "scope";
    static final String EDITOR_VERSION = "editor-version";
    static final String EDITOR_PLUGIN_VERSION = "editor-plugin-version";
    static final String USER_AGENT = "user-agent";
    static final String INTEGRATION_ID = "integration-id";
    static final String API_VERSION = "api-version";
    static final String OPENAI_INTENT = "openai-intent";

    @Inject
    public CopilotProviderFactory(Vertx vertx) {
        super(vertx, ProviderType.of("github-copilot", "https://api.githubcopilot.com", "github-copilot",
                ProviderOption.of(GITHUB_URL, "https://github.com",
                        "GitHub's web URL: device codes, the OAuth authorize and token endpoints"),
                ProviderOption.of(GITHUB_API_URL, "https://api.github.com",
                        "GitHub's API URL: the Copilot token exchange (/copilot_internal/v2/token)"),
                ProviderOption.of(CLIENT_ID, "Iv1.b507a08c87ecfe98",
                        "OAuth client id of the GitHub logins (the id Copilot editor integrations use)"),
                ProviderOption.optional(CLIENT_SECRET,
                        "Client secret of your own GitHub OAuth app: enables the browser login (authorization code with PKCE)"),
                ProviderOption.of(SCOPE, "read:user", "Scopes the GitHub login asks for"),
                ProviderOption.of(EDITOR_VERSION, "vscode/1.99.3", "Editor-Version header"),
                ProviderOption.of(EDITOR_PLUGIN_VERSION, "copilot-chat/0.26.7", "Editor-Plugin-Version header"),
                ProviderOption.of(USER_AGENT, "GitHubCopilotChat/0.26.7", "User-Agent header"),
                ProviderOption.of(INTEGRATION_ID, "vscode-chat", "Copilot-Integration-Id header"),
                ProviderOption.of(API_VERSION, "2025-04-01", "X-GitHub-Api-Version header"),
                ProviderOption.of(OPENAI_INTENT, "conversation-panel", "Openai-Intent header")));
    }

    /** The model list of each configured provider of this type, shared by its credentials' instances. */
    private final Map<String, CopilotModels> models = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Provider create(ProviderSettings settings) {
        // keyed by configured provider ids only: bounded by the configuration
        return new CopilotProvider(settings, baseUrl(settings), http(settings),
                models.computeIfAbsent(settings.id(), id -> new CopilotModels()));
    }

    @Override
    public LoginSpec login(ProviderSettings settings) {
        String github = trimmed(settings.option(GITHUB_URL).orElseThrow());
        Optional<String> secret = settings.option(CLIENT_SECRET).filter(s -> !s.isBlank());
        return new LoginSpec(settings.option(CLIENT_ID).orElseThrow(), secret, settings.option(SCOPE).orElseThrow(),
                Optional.of(github + "/login/device/code"),
                secret.map(s -> github + "/login/oauth/authorize"), github + "/login/oauth/access_token",
                Optional.of(CopilotTokenExchange.ID));
    }

    @Override
    public Map<String, String> fingerprint() {
        return Map.of("Vscode-Machineid", "{machine-id}", "Vscode-Sessionid", "{session-id}");
    }

    static String trimmed(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
