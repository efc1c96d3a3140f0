package dev.tokenledger.canonical;

/**
 * A wire format the gateway speaks, inbound or upstream. Two ends with the same format may pass bytes through
 * untouched; different formats go through the canonical model.
 */
public enum WireFormat {
    /** OpenAI Chat Completions ({@code /v1/chat/completions}). */
    OPENAI_CHAT("openai"),
    /** OpenAI Responses ({@code /v1/responses}). */
    OPENAI_RESPONSES("openai-responses"),
    /** OpenAI legacy text completions ({@code /v1/completions}). */
    OPENAI_COMPLETIONS("openai-completions"),
    /** Anthropic Messages ({@code /v1/messages}). */
    ANTHROPIC("anthropic"),
    /** Google Gemini ({@code generateContent}). */
    GEMINI("gemini"),
    /** Ollama's native chat API ({@code /api/chat}, NDJSON streams). */
    OLLAMA("ollama"),
    /** AWS Bedrock's Converse API ({@code /model/{id}/converse}, AWS event-stream answers); upstream only. */
    BEDROCK_CONVERSE("bedrock-converse"),
    /** Kiro (Amazon Q Developer) {@code generateAssistantResponse}, AWS event-stream answers; upstream only. */
    KIRO("kiro");

    private final String id;

    WireFormat(String id) {
        this.id = id;
    }

    /** Short name used in metrics, logs and the ledger. */
    public String id() {
        return id;
    }
}
