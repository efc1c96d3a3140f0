package dev.tokenledger.admission;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.AdmissionConfig;

/**
 * The most a request may use, so that its budget hold and token reservation are upper bounds: every answer it asks
 * for ({@code n}, {@code best_of}, Gemini's {@code candidateCount}) at its output cap, a thinking budget that a
 * provider adds on top of the default cap, output priced at the dearer of the output and reasoning prices, and the
 * prompt estimate (counted with {@code o200k_base}) multiplied by the safety factor of the target's tokenizer family.
 */
public final class WorstCase {

    /** The most answers one request may ask for (OpenAI's own bound of {@code n}). */
    public static final int MAX_CHOICES = 128;
    /** Thinking budget assumed for a dynamic one (a negative budget: the provider decides). */
    public static final int DYNAMIC_THINKING = 32_768;

    private WorstCase() {
    }

    /** Answers the request asks for: the largest of {@code n}, {@code best_of} and {@code candidateCount}; at least 1. */
    public static int choices(ChatRequest request) {
        Map<String, Object> extra = request.extra();
        long n = Math.max(number(extra.get("n")), number(extra.get("best_of")));
        if (extra.get("generationConfig") instanceof Map<?, ?> config) {
            n = Math.max(n, Math.max(number(config.get("candidateCount")), number(config.get("candidate_count"))));
        }
        return (int) Math.max(1, Math.min(MAX_CHOICES, n));
    }

    /**
     * Output tokens of all answers: per answer the client's cap, or the default cap plus the thinking budget a provider
     * adds on top of it when the client set none.
     */
    public static long output(ChatRequest request, int defaultMax) {
        long perChoice = request.maxTokens() != null && request.maxTokens() > 0
                ? request.maxTokens()
                : defaultMax + thinking(request.reasoning());
        return perChoice * choices(request);
    }

    /** The thinking budget a request asks for, in tokens (0: none or not known). */
    public static long thinking(ChatRequest.Reasoning reasoning) {
        if (reasoning == null) {
            return 0;
        }
        if (reasoning.budgetTokens() != null) {
            return reasoning.budgetTokens() < 0 ? DYNAMIC_THINKING : reasoning.budgetTokens();
        }
        if (reasoning.effort() == null) {
            return 0;
        }
        return switch (reasoning.effort()) {
            case "low" -> 1024;
            case "medium" -> 4096;
            case "high" -> 16384;
            case "xhigh", "max" -> 32000;
            default -> 0;
        };
    }

    /** The prompt estimate scaled by a tokenizer family's safety factor, rounded up. */
    public static long prompt(long estimate, BigDecimal factor) {
        if (factor == null || factor.compareTo(BigDecimal.ONE) <= 0) {
            return estimate;
        }
        return BigDecimal.valueOf(estimate).multiply(factor).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** The safety factor of a provider type's tokenizer family. */
    public static BigDecimal factor(AdmissionConfig.PromptFactors factors, String providerType) {
        return switch (providerType == null ? "" : providerType) {
            case "openai", "azure-openai" -> factors.openai();
            case "anthropic" -> factors.anthropic();
            case "gemini" -> factors.gemini();
            default -> factors.other();
        };
    }

    /**
     * The worst usages to quote: all output as plain output, and all output as reasoning (priced at the reasoning
     * price where a model has one); the hold is the dearer.
     */
    public static Usage[] usages(long prompt, long output) {
        return new Usage[]{new Usage(prompt, 0, 0, output, 0, Usage.Source.ESTIMATED),
                new Usage(prompt, 0, 0, output, output, Usage.Source.ESTIMATED)};
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
