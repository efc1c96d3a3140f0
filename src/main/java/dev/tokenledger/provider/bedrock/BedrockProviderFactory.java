package dev.tokenledger.provider.bedrock;

import java.time.Clock;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tokenledger.provider.HttpProviderFactory;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderOption;
import dev.tokenledger.provider.ProviderSettings;
import dev.tokenledger.provider.ProviderType;

/**
 * Type {@code bedrock}: Amazon Bedrock Runtime, signed with AWS Signature Version 4. The Converse API by default (one
 * request shape for every model family); {@code api: invoke-anthropic} sends Anthropic Messages bodies through
 * InvokeModel instead, so Anthropic clients pass through. The region is {@code options.region}, else the AWS SDK's
 * default region chain ({@code AWS_REGION}, {@code aws.region}, the profile, instance metadata); the endpoint is the
 * region's {@code bedrock-runtime} unless {@code base-url} names another (VPC endpoints, FIPS). Prices come from the
 * catalogue provider {@code aws}.
 */
@Singleton // not proxied: the base class has no no-args constructor
public class BedrockProviderFactory extends HttpProviderFactory {

    static final String REGION = "region";
    static final String API = "api";
    static final String CONVERSE = "converse";
    static final String INVOKE_ANTHROPIC = "invoke-anthropic";

    @Inject
    public BedrockProviderFactory(Vertx vertx) {
        super(vertx, ProviderType.of("bedrock", "https://bedrock-runtime." + BedrockRegion.PLACEHOLDER + ".amazonaws.com",
                "aws",
                ProviderOption.optional(REGION,
                        "AWS region of the endpoint and the signature, e.g. us-east-1; default: the AWS SDK's region chain"),
                ProviderOption.of(API, CONVERSE, "converse (every model family) or invoke-anthropic (InvokeModel with "
                        + "Anthropic Messages bodies: Anthropic clients pass through)")));
    }

    @Override
    public Provider create(ProviderSettings settings) {
        String api = settings.option(API).orElse(CONVERSE);
        if (!CONVERSE.equals(api) && !INVOKE_ANTHROPIC.equals(api)) {
            throw new IllegalStateException("tokenledger.providers." + settings.id() + ".options.api: unknown API '" + api
                    + "'; valid: [converse, invoke-anthropic]");
        }
        java.util.Optional<String> region = settings.option(REGION).filter(r -> !r.isBlank());
        region.ifPresent(r -> {
            if (!BedrockRegion.valid(r)) {
                throw new IllegalStateException("tokenledger.providers." + settings.id() + ".options.region: '" + r
                        + "' is not an AWS region name");
            }
        });
        AwsCredentialSource credentials;
        try {
            credentials = settings.apiKey().map(AwsCredentialSource::of).orElseGet(AwsCredentialSource::defaultChain);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("tokenledger.providers." + settings.id() + ".api-key: " + e.getMessage());
        }
        return new BedrockProvider(settings, http(settings), INVOKE_ANTHROPIC.equals(api),
                new BedrockRegion(settings.id(), region, baseUrl(settings), Clock.systemUTC()), credentials);
    }
}
