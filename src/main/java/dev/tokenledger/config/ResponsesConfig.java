package dev.tokenledger.config;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

/**
 * Responses the gateway stores for clients of the Responses API whose requests are translated for another provider
 * ({@code store}, {@code previous_response_id}, {@code GET/DELETE /v1/responses/{id}}).
 */
public interface ResponsesConfig {
    /** Whether translated responses are stored at all; off, {@code previous_response_id} finds nothing. */
    @WithDefault("true")
    boolean store();

    /**
     * How long a stored response is kept (OpenAI keeps responses 30 days). A turn that continues a conversation
     * extends the earlier turns of its chain to its own expiry.
     */
    @WithDefault("30d")
    Duration ttl();

    /** Largest turn stored (its input items and response object); a larger one is answered and not stored. */
    @WithDefault("4M")
    MemorySize maxSize();

    /** Most turns a conversation is continued over; a longer chain is refused (send the conversation in input). */
    @WithDefault("500")
    int maxChain();

    /** How often each replica deletes expired responses. */
    @WithDefault("10m")
    Duration sweepInterval();
}
