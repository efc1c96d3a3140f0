package dev.tokenledger.provider.copilot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

import dev.tokenledger.json.Json;

/**
 * What one Copilot provider's model list says about each model's endpoints ({@code supported_endpoints}, e.g.
 * {@code ["/chat/completions", "/responses"]}, or {@code ["/responses"]} for a model served through the Responses API
 * only), shared by every credential of the provider. Filled whenever the list is read; read again in the background
 * when it is older than {@link #TTL} and a request needs it. Bounded: at most {@link #MAX_MODELS} models, ids of at
 * most {@link #MAX_ID} characters. A model the list has not named is sent to chat completions.
 */
final class CopilotModels {

    static final Duration TTL = Duration.ofMinutes(5);
    static final int MAX_MODELS = 1000;
    static final int MAX_ID = 200;
    static final String RESPONSES = "/responses";
    static final String CHAT = "/chat/completions";

    private volatile Map<String, Set<String>> endpoints = Map.of();
    private volatile long readAt;
    private final AtomicBoolean reading = new AtomicBoolean();

    /** Whether the list names this model with the Responses API and without chat completions. */
    boolean responsesOnly(String model) {
        Set<String> supported = endpoints.get(model);
        return supported != null && supported.contains(RESPONSES) && !supported.contains(CHAT);
    }

    /** Whether the list is older than its TTL (or was never read). */
    boolean stale() {
        return System.currentTimeMillis() - readAt > TTL.toMillis();
    }

    /** Reads the list in the background with {@code list} unless a read is under way. */
    void readSoon(Supplier<Uni<List<String>>> list) {
        if (reading.compareAndSet(false, true)) {
            Uni.createFrom().deferred(list::get).onTermination().invoke(() -> reading.set(false)).subscribe().with(
                    ignored -> {
                    }, failure -> Log.debugf("The Copilot model list could not be read: %s", failure.toString()));
        }
    }

    /** The model ids of a {@code /models} answer, remembering each one's endpoints. */
    List<String> read(byte[] body) {
        JsonNode root = Json.tryParseObject(body);
        if (root == null) {
            return List.of(); // an unreadable list is an empty one
        }
        Map<String, Set<String>> next = new ConcurrentHashMap<>();
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (JsonNode model : root.path("data")) {
            String id = model.path("id").asText("");
            if (id.isEmpty() || id.length() > MAX_ID || next.size() >= MAX_MODELS) {
                continue;
            }
            ids.add(id);
            Set<String> supported = new java.util.HashSet<>();
            model.path("supported_endpoints").forEach(e -> {
                if (e.isTextual() && (RESPONSES.equals(e.asText()) || CHAT.equals(e.asText()))) {
                    supported.add(e.asText());
                }
            });
            next.put(id, Set.copyOf(supported));
        }
        endpoints = Map.copyOf(next);
        readAt = System.currentTimeMillis();
        return List.copyOf(ids);
    }
}
