package dev.tokenledger.api.openai;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tokenledger.testing.OpenAiFixtures;
import dev.tokenledger.testing.Upstreams;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client that drops a stream mid-way makes the gateway close its upstream connection. */
@QuarkusTest
@QuarkusTestResource(value = Upstreams.class, restrictToAnnotatedClass = false)
class ClientDisconnectTest {

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void droppingTheStreamClosesTheUpstreamConnection() throws Exception {
        Upstreams.dribble().reset();
        String body = "{\"model\":\"slow-stream\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + OpenAiFixtures.MASTER + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            StringBuilder received = new StringBuilder();
            while (countOf(received, "tick") < 3) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the stream ended before the client dropped it");
                received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            assertTrue(received.toString().startsWith("HTTP/1.1 200"), received.toString());
        }
        assertTrue(Upstreams.dribble().awaitClosedEarly(3000),
                "the gateway kept the upstream stream open after its client went away");
    }

    private static int countOf(CharSequence text, String word) {
        int count = 0;
        for (int i = text.toString().indexOf(word); i >= 0; i = text.toString().indexOf(word, i + 1)) {
            count++;
        }
        return count;
    }
}
