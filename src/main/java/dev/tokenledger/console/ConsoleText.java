package dev.tokenledger.console;

import java.util.Locale;

import io.quarkus.qute.TemplateExtension;

/** Wording the console's templates share: a count with its noun in the right number ({@code 1 request}, {@code 2 requests}). */
@TemplateExtension
public final class ConsoleText {

    private ConsoleText() {
    }

    /** {@code {requests.counted('request')}}: the count with thousands separators and the noun, plural unless it is 1. */
    public static String counted(long count, String noun) {
        return String.format(Locale.ROOT, "%,d", count) + " " + (count == 1 ? noun : noun + "s");
    }
}
