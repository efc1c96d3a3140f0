package dev.tokenledger.api;

import jakarta.inject.Inject;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import dev.tokenledger.auth.ClientAuth;
import dev.tokenledger.http.RequestContext;

/** Authenticates every matched inference request before its resource runs. */
public class ClientAuthFilter {

    private final ClientAuth auth;

    @Inject
    public ClientAuthFilter(ClientAuth auth) {
        this.auth = auth;
    }

    @ServerRequestFilter
    public Uni<Void> authenticate(RoutingContext rc) {
        if (!ApiFormats.isInferencePath(rc.normalizedPath())) {
            return null;
        }
        RequestContext ctx = RequestContext.of(rc);
        return auth.authenticate(rc.request()).invoke(principal -> ctx.principal(principal)).replaceWithVoid();
    }
}
