package dev.tokenledger.config;

import java.util.Optional;

/** Traces, exported with OTLP (docs/operations.md "Traces"). */
public interface TracingConfig {
    /**
     * The OTLP endpoint traces go to, e.g. {@code http://otel-collector:4317} (gRPC); unset, tracing is off and costs
     * nothing per request. The protocol and headers are the {@code quarkus.otel.exporter.otlp.*} options.
     */
    Optional<String> endpoint();
}
