package dev.tokenledger.testing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.quarkus.arc.Unremovable;

/**
 * Every finished span, kept in memory for tests that trace (the SDK uses every SpanProcessor bean). With tracing off
 * (every other test) the SDK is never built and this bean is never asked for.
 */
@ApplicationScoped
public class InMemoryTraces {

    public static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();

    @Produces
    @Singleton
    @Unremovable
    SpanProcessor inMemorySpans() {
        return SimpleSpanProcessor.create(EXPORTER);
    }
}
