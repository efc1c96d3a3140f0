package dev.tokenledger.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

/**
 * Makes {@code tokenledger.tracing.endpoint} the one switch of tracing: without it the OpenTelemetry SDK is disabled
 * ({@code quarkus.otel.sdk.disabled} reads {@code true}, and the HTTP server gets no tracer at all); with it the
 * SDK's own setting applies (enabled unless someone sets {@code quarkus.otel.sdk.disabled=true}).
 */
public class TracingSwitch implements ConfigSourceInterceptor {

    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final String ENDPOINT = "tokenledger.tracing.endpoint";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!SDK_DISABLED.equals(name)) {
            return value;
        }
        ConfigValue endpoint = context.proceed(ENDPOINT);
        if (endpoint != null && endpoint.getValue() != null && !endpoint.getValue().isBlank()) {
            return value;
        }
        ConfigValue off = ConfigValue.builder().withName(name).withValue("true")
                .withConfigSourceName("tokenledger-tracing-switch").build();
        return value == null ? off : value.withValue("true");
    }
}
