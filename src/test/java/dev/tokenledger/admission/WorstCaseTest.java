package dev.tokenledger.admission;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tokenledger.canonical.ChatRequest;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.config.AdmissionConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The worst case a hold is priced at: every answer asked for, thinking on top of a default cap, the prompt's factor. */
class WorstCaseTest {

    static ChatRequest request(Integer maxTokens, ChatRequest.Reasoning reasoning, Map<String, Object> extra) {
        return new ChatRequest("m", List.of(), List.of(), null, null, maxTokens, null, null, List.of(), null, reasoning,
                false, false, null, extra, null);
    }

    static final AdmissionConfig.PromptFactors FACTORS = new AdmissionConfig.PromptFactors() {
        @Override
        public BigDecimal openai() {
            return BigDecimal.ONE;
        }

        @Override
        public BigDecimal anthropic() {
            return new BigDecimal("1.65");
        }

        @Override
        public BigDecimal gemini() {
            return new BigDecimal("1.4");
        }

        @Override
        public BigDecimal other() {
            return new BigDecimal("1.5");
        }
    };

    @Test
    void everyAnswerAskedForIsHeld() {
        assertEquals(1, WorstCase.choices(request(100, null, Map.of())));
        assertEquals(8, WorstCase.choices(request(100, null, Map.of("n", 8))));
        assertEquals(5, WorstCase.choices(request(100, null, Map.of("n", 2, "best_of", 5))));
        assertEquals(4, WorstCase.choices(request(100, null, Map.of("generationConfig", Map.of("candidateCount", 4)))));
        assertEquals(3, WorstCase.choices(request(100, null, Map.of("generationConfig", Map.of("candidate_count", 3)))));
        assertEquals(WorstCase.MAX_CHOICES, WorstCase.choices(request(100, null, Map.of("n", 1_000_000_000))));
        assertEquals(1, WorstCase.choices(request(100, null, Map.of("n", "eight", "best_of", -3))));
        assertEquals(800, WorstCase.output(request(100, null, Map.of("n", 8)), 4096));
    }

    @Test
    void aThinkingBudgetAddsToTheDefaultCapOnly() {
        assertEquals(4096, WorstCase.output(request(null, null, Map.of()), 4096));
        assertEquals(4096 + 2000, WorstCase.output(request(null, new ChatRequest.Reasoning(null, 2000), Map.of()), 4096));
        assertEquals(4096 + 16384, WorstCase.output(request(null, new ChatRequest.Reasoning("high", null), Map.of()),
                4096));
        assertEquals(4096 + WorstCase.DYNAMIC_THINKING, WorstCase.output(request(null, new ChatRequest.Reasoning(null,
                -1), Map.of()), 4096));
        // the client's cap includes the thinking (OpenAI, Anthropic): nothing is added to it
        assertEquals(3000, WorstCase.output(request(1000, new ChatRequest.Reasoning(null, 800), Map.of("n", 3)), 4096));
        assertEquals(0, WorstCase.thinking(new ChatRequest.Reasoning("none", null)));
    }

    @Test
    void thePromptIsScaledByItsTokenizerFamilyRoundedUp() {
        assertEquals(100, WorstCase.prompt(100, WorstCase.factor(FACTORS, "openai")));
        assertEquals(100, WorstCase.prompt(100, WorstCase.factor(FACTORS, "azure-openai")));
        assertEquals(165, WorstCase.prompt(100, WorstCase.factor(FACTORS, "anthropic")));
        assertEquals(14, WorstCase.prompt(10, WorstCase.factor(FACTORS, "gemini")));
        assertEquals(16, WorstCase.prompt(11, WorstCase.factor(FACTORS, "gemini")));
        assertEquals(2, WorstCase.prompt(1, WorstCase.factor(FACTORS, "anthropic")));
        assertEquals(150, WorstCase.prompt(100, WorstCase.factor(FACTORS, "ollama")));
        assertEquals(100, WorstCase.prompt(100, new BigDecimal("0.5")), "a factor below 1 never lowers the estimate");
    }

    @Test
    void outputIsQuotedAsPlainOutputAndAsReasoning() {
        Usage[] usages = WorstCase.usages(10, 20);
        assertEquals(0, usages[0].reasoningTokens());
        assertEquals(20, usages[1].reasoningTokens());
        assertEquals(20, usages[1].completionTokens());
        assertEquals(10, usages[1].promptTokens());
    }
}
