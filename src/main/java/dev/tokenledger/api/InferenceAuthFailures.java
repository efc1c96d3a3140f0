package dev.tokenledger.api;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.HttpSecurityRecorder.DefaultAuthFailureHandler;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.ext.web.RoutingContext;

/**
 * On inference paths, hands an authentication failure of the HTTP layer straight to the REST layer's exception
 * mappers, as the REST layer itself would, without the URL template it works out first.
 * <p>
 * Quarkus' authentication handler gives every request a default failure handler. The REST layer's filter after it
 * (priority 199) replaces that handler on every request, and first matches the path against every resource class to
 * name a URL template for metrics and traces of a failure that has not happened: about 6 KB of allocation per
 * answer. Inference paths authenticate in {@link ClientAuthFilter}, inside the REST layer, which names the template
 * itself; the HTTP layer's authentication only runs for the admin API. Registered at the authentication handler's
 * priority, after Quarkus' own filters, this filter runs between the two, replaces the default handler, and the REST
 * layer's filter leaves the request alone ({@code InferenceAuthFailuresTest}).
 */
@ApplicationScoped
public class InferenceAuthFailures {

    /** What the REST layer puts in place of the default handler: mark, then fail with the root cause. */
    static final BiConsumer<RoutingContext, Throwable> TO_EXCEPTION_MAPPERS = (rc, failure) -> {
        DefaultAuthFailureHandler.markIfOtherAuthenticationFailure(rc, failure);
        if (!rc.failed()) {
            rc.fail(DefaultAuthFailureHandler.extractRootCause(failure));
        }
    };

    void register(@Observes Filters filters) {
        filters.register(this::handle, SecurityHandlerPriorities.AUTHENTICATION);
    }

    void handle(RoutingContext rc) {
        if (ApiFormats.isInferencePath(rc.normalizedPath())
                && rc.get(QuarkusHttpUser.AUTH_FAILURE_HANDLER) instanceof DefaultAuthFailureHandler) {
            rc.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, TO_EXCEPTION_MAPPERS);
        }
        rc.next();
    }
}
