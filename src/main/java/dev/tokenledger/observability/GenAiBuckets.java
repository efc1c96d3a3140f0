package dev.tokenledger.observability;

import java.time.Duration;
import java.util.Arrays;

/**
 * The explicit histogram bucket boundaries the OpenTelemetry GenAI semantic conventions recommend for each metric
 * (docs/gen-ai/gen-ai-metrics.md of open-telemetry/semantic-conventions).
 */
final class GenAiBuckets {

    /** {@code gen_ai.client.operation.duration}, seconds. */
    static final double[] DURATION = {0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96,
            81.92};
    /** {@code gen_ai.client.token.usage}, tokens. */
    static final double[] TOKENS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216,
            67108864};
    /** {@code gen_ai.server.time_to_first_token}, seconds. */
    static final double[] TIME_TO_FIRST_TOKEN = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0,
            2.5, 5.0, 7.5, 10.0};
    /** {@code gen_ai.server.time_per_output_token}, seconds. */
    static final double[] TIME_PER_OUTPUT_TOKEN = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0,
            2.5};

    private GenAiBuckets() {
    }

    static Duration[] durations(double[] seconds) {
        return Arrays.stream(seconds).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new);
    }
}
