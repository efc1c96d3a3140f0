package dev.tokenledger.gateway;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.canonical.ErrorKind;
import dev.tokenledger.canonical.GatewayError;

/** An answer is served once the usage behind it is durable in the ledger: a crash after it loses nothing. */
final class Metered {

    private Metered() {
    }

    /**
     * The answer, once {@code durable} completes; if the usage could be neither written nor spooled, nothing is served
     * unmetered: the client gets a 503.
     */
    static <T> Uni<T> answer(CompletionStage<Void> durable, Supplier<T> answer) {
        return Uni.createFrom().completionStage(durable)
                .onFailure().transform(failure -> GatewayError.of(ErrorKind.UNAVAILABLE,
                        "The request's usage could not be recorded; the answer is withheld. Retry later."))
                .map(v -> answer.get());
    }
}
