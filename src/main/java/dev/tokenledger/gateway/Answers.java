package dev.tokenledger.gateway;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.ChatResponse;
import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.usage.TokenEstimator;

/** What a chat answer is billed for, and the helpers that read it. */
final class Answers {

    private Answers() {
    }

    static ChatResponse withUsage(ChatResponse response, Usage usage) {
        return usage.equals(response.usage())
                ? response
                : new ChatResponse(response.id(), response.model(), response.created(), response.choices(), usage,
                        response.extra());
    }

    static String text(ChatResponse response) {
        StringBuilder sb = new StringBuilder();
        for (ChatResponse.Choice choice : response.choices()) {
            sb.append(choice.message().text());
            choice.message().toolCalls().forEach(c -> sb.append(c.name()).append(c.arguments()));
        }
        return sb.toString();
    }

    static GatewayError asGatewayError(Throwable failure) {
        return failure instanceof GatewayError g
                ? g
                : GatewayError.upstream(ErrorKind.UPSTREAM_ERROR, 0, "The upstream stream failed.", "upstream_error");
    }

    /**
     * Usage of an answer: what the upstream reported, never less than what we can count ourselves when the report is
     * partial (a stream that was cut, or an upstream that left a count out).
     */
    static Usage billed(TokenEstimator estimator, ChatRequest request, Usage reported, CharSequence generated) {
        if (reported != null && reported.source() == Usage.Source.PROVIDER) {
            return reported;
        }
        Usage estimated = estimator.estimate(request, generated);
        if (reported == null) {
            return estimated;
        }
        return new Usage(Math.max(reported.promptTokens(), estimated.promptTokens()), reported.cachedPromptTokens(),
                reported.cacheWriteTokens(), Math.max(reported.completionTokens(), estimated.completionTokens()),
                reported.reasoningTokens(), Usage.Source.PROVIDER_PARTIAL, reported.detail());
    }
}
