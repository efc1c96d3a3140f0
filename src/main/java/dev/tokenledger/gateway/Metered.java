package dev.tokenledger.gateway;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;
import dev.tokenledger.config.GatewayConfig;

/**
 * An answer is served once the usage behind it is durable in the ledger, so that a crash right after it loses
 * nothing ({@code tokenledger.ledger.answer-when-durable}, on by default; off, answers leave at once and a replica that
 * crashes can lose the rows of its last moments).
 */
@ApplicationScoped
public class Metered {

    private final boolean wait;

    @Inject
    public Metered(GatewayConfig config) {
        this.wait = config.ledger().answerWhenDurable();
    }

    /**
     * The answer, once {@code durable} completes; if the usage could be neither written nor spooled, nothing is served
     * unmetered: the client gets a 503.
     */
    public <T> Uni<T> answer(CompletionStage<?> durable, Supplier<T> answer) {
        if (!wait) {
            return Uni.createFrom().item(answer);
        }
        return Uni.createFrom().completionStage(durable)
                .onFailure().transform(failure -> GatewayError.of(ErrorKind.UNAVAILABLE,
                        "The request's usage could not be recorded; the answer is withheld. Retry later."))
                .map(v -> answer.get());
    }
}
