package dev.tokenledger.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.tokenledger.provider.ProviderRegistry;
import dev.tokenledger.routing.ModelRouter;

/** Ready once the configuration was loaded and validated: providers and model routes are built. */
@Readiness
@ApplicationScoped
public class ConfigurationReadiness implements HealthCheck {

    @Inject
    ProviderRegistry registry;

    @Inject
    ModelRouter router;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("configuration")
                .up()
                .withData("providers", registry.all().size())
                .withData("models", router.knownModels().size())
                .build();
    }
}
