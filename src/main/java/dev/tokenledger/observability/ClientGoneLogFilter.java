package dev.tokenledger.observability;

import java.nio.channels.ClosedChannelException;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

import io.quarkus.logging.LoggingFilter;
import io.vertx.core.http.HttpClosedException;

/**
 * Keeps a client that hung up out of the error log. When a client closes its connection before the answer is written
 * (a timeout, a cancelled stream: "stop generating"), Quarkus REST logs the failed write as an ERROR with a stack
 * trace, once per abandoned request. That is the client's choice, not a fault of the gateway, and the request is
 * metered like any other; so those records are dropped. Every other record of that logger, and every failure whose
 * cause is anything but a closed connection, is kept.
 */
@LoggingFilter(name = ClientGoneLogFilter.NAME)
public final class ClientGoneLogFilter implements Filter {

    public static final String NAME = "client-gone";

    /** The logger of Quarkus REST's streamed (Multi) responses, which every inference answer is. */
    static final String RESPONSE_LOGGER = "org.jboss.resteasy.reactive.server.handlers.PublisherResponseHandler";

    @Override
    public boolean isLoggable(LogRecord record) {
        return !(RESPONSE_LOGGER.equals(record.getLoggerName()) && clientGone(record.getThrown()));
    }

    static boolean clientGone(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedChannelException || t instanceof HttpClosedException) {
                return true;
            }
        }
        return false;
    }
}
