package dev.tokenledger.credentials;

import java.util.Map;

/**
 * What is sealed in a credential row: the API key and extra headers sent upstream. Its text form hides both, so a
 * secret that reaches a log by mistake shows nothing.
 */
public record Secret(String apiKey, Map<String, String> headers) {

    public Secret {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    @Override
    public String toString() {
        return "Secret[hidden]";
    }
}
