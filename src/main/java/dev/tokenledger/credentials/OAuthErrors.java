package dev.tokenledger.credentials;

/** Text from an OAuth server, made safe to store and show: bounded, one line. */
final class OAuthErrors {

    private static final int MAX = 200;

    private OAuthErrors() {
    }

    static String bounded(String text) {
        if (text == null) {
            return null;
        }
        String clean = text.replaceAll("\\p{Cntrl}", " ");
        return clean.length() > MAX ? clean.substring(0, MAX) + "…" : clean;
    }
}
