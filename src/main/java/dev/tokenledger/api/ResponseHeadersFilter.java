package dev.tokenledger.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.http.RequestContext;

/**
 * Writes the headers admission decided (rate-limit state, {@code retry-after}) on every inference answer when its
 * headers go out: JSON, error or stream alike, always before the first byte of the body.
 */
@ApplicationScoped
public class ResponseHeadersFilter {

    void register(@Observes Filters filters) {
        filters.register(this::handle, 900);
    }

    void handle(RoutingContext rc) {
        if (ApiFormats.isInferencePath(rc.normalizedPath())) {
            RequestContext ctx = RequestContext.of(rc);
            rc.addHeadersEndHandler(v -> ctx.responseHeaders().forEach((name, value) -> rc.response().putHeader(name,
                    value)));
        }
        rc.next();
    }
}
