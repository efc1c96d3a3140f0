package dev.tokenledger.pricing;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A daily UTC window in which a price applies (an off-peak rate): {@code start <= time of day < end}. A window whose
 * end is not after its start runs over midnight ({@code 16:30 - 00:30} holds from 16:30 to 00:30 the next day).
 * Written as genai-prices writes it: {@code HH:MM:SSZ}.
 */
public record TimeOfDay(LocalTime start, LocalTime end) {

    public TimeOfDay {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (start.equals(end)) {
            throw new IllegalArgumentException("a time-of-day window needs start != end, both were " + start);
        }
    }

    /** Whether the window holds at an instant. */
    public boolean contains(Instant at) {
        LocalTime t = LocalTime.ofInstant(at, ZoneOffset.UTC);
        return start.isBefore(end)
                ? !t.isBefore(start) && t.isBefore(end)
                : !t.isBefore(start) || t.isBefore(end);
    }

    /** Parses {@code HH:MM:SS} with an optional trailing {@code Z}. */
    public static LocalTime parseTime(String text) {
        Objects.requireNonNull(text, "time");
        String plain = text.endsWith("Z") ? text.substring(0, text.length() - 1) : text;
        try {
            return LocalTime.parse(plain);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a UTC time of day (HH:MM:SSZ): \"" + text + "\"");
        }
    }

    /** {@code HH:MM:SSZ}. */
    public static String format(LocalTime time) {
        return String.format("%02d:%02d:%02dZ", time.getHour(), time.getMinute(), time.getSecond());
    }
}
