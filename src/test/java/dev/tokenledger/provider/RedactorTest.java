package dev.tokenledger.provider;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Upstream error messages reach clients without credentials and without where the upstream lives. */
class RedactorTest {

    @Test
    void hostsUrlsAndAddressesAreRemoved() {
        Redactor redactor = new Redactor("sk-secret-0123456789", "https://llm.internal.example.com:8443/v1");
        String message = redactor.redact("upstream connect error to https://llm.internal.example.com:8443/v1/chat "
                + "(10.0.3.7:8443) via proxy.corp.example:3128; LLM.internal.example.com said no; key sk-secret-0123456789");
        assertFalse(message.toLowerCase().contains("internal.example.com"), message);
        assertFalse(message.contains("10.0.3.7"), message);
        assertFalse(message.contains("proxy.corp"), message);
        assertFalse(message.contains("sk-secret"), message);
        assertEquals("The model 'gpt-4o' does not exist", redactor.redact("The model 'gpt-4o' does not exist"));
    }
}
