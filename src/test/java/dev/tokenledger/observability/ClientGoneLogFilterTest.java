package dev.tokenledger.observability;

import java.nio.channels.ClosedChannelException;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

import io.vertx.core.http.HttpClosedException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientGoneLogFilterTest {

    private final ClientGoneLogFilter filter = new ClientGoneLogFilter();

    private static LogRecord record(String logger, Throwable thrown) {
        LogRecord record = new LogRecord(Level.SEVERE, "Exception in SSE server handling, impossible to send it to client");
        record.setLoggerName(logger);
        record.setThrown(thrown);
        return record;
    }

    @Test
    void aClientThatHungUpMidAnswerIsNotLogged() {
        assertFalse(filter.isLoggable(record(ClientGoneLogFilter.RESPONSE_LOGGER, new ClosedChannelException())));
        assertFalse(filter.isLoggable(record(ClientGoneLogFilter.RESPONSE_LOGGER,
                new IllegalStateException("write failed", new ClosedChannelException()))));
        assertFalse(filter.isLoggable(record(ClientGoneLogFilter.RESPONSE_LOGGER,
                new HttpClosedException("Connection was closed"))));
    }

    @Test
    void everyOtherFailureOfTheResponseIsKept() {
        assertTrue(filter.isLoggable(record(ClientGoneLogFilter.RESPONSE_LOGGER, new IllegalStateException("a bug"))));
        assertTrue(filter.isLoggable(record(ClientGoneLogFilter.RESPONSE_LOGGER, null)));
    }

    @Test
    void closedConnectionsElsewhereAreKept() {
        // an upstream provider dropping the gateway's connection is worth seeing
        assertTrue(filter.isLoggable(record("dev.tokenledger.provider.UpstreamHttp", new ClosedChannelException())));
        assertTrue(filter.isLoggable(record("io.vertx.core.net.impl.ConnectionBase", new ClosedChannelException())));
    }
}
