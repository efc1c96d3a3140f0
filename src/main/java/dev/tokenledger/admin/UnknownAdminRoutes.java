package dev.tokenledger.admin;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;

/**
 * Paths under {@code /admin} that no admin resource serves are answered with a 404 in the admin error shape, like
 * the paths the resources do not match, instead of the HTTP server's default page.
 */
@ApplicationScoped
public class UnknownAdminRoutes {

    void register(@Observes Router router) {
        // after every other route: only what nothing else served reaches it
        router.route("/admin*").order(Integer.MAX_VALUE).handler(rc -> {
            String path = rc.normalizedPath();
            if (!AdminErrors.isAdminPath(path)) {
                rc.next();
                return;
            }
            rc.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(AdminErrors.body(404, AdminErrors.unknownRouteMessage(rc.request().method().name(),
                            path), "unknown_url", List.of())));
        });
    }
}
