package dev.tokenledger.admission.limits;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;

/**
 * One window of a quota or budget: calendar day, week (from Monday) or month in a time zone, or one of consecutive
 * rolling periods from an anchor.
 *
 * @param id a stable name of the window, part of its Redis counter's key
 */
public record Window(String id, Instant start, Instant end) {

    public static Window of(String kind, ZoneId zone, Instant now, Instant anchor, int rollingDays) {
        LocalDate today = now.atZone(zone).toLocalDate();
        return switch (kind) {
            case "day" -> calendar("d", today, today.plusDays(1), zone);
            case "week" -> {
                LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                yield calendar("w", monday, monday.plusWeeks(1), zone);
            }
            case "month" -> {
                LocalDate first = today.withDayOfMonth(1);
                yield calendar("m", first, first.plusMonths(1), zone);
            }
            case "rolling" -> {
                Duration period = Duration.ofDays(rollingDays);
                long n = Math.max(0, Duration.between(anchor, now).toMillis() / period.toMillis());
                Instant start = anchor.plus(period.multipliedBy(n));
                yield new Window("r" + rollingDays + "-" + anchor.getEpochSecond() + "-" + n, start, start.plus(period));
            }
            default -> throw new IllegalArgumentException("unknown window " + kind);
        };
    }

    private static Window calendar(String prefix, LocalDate from, LocalDate to, ZoneId zone) {
        return new Window(prefix + from + "@" + zone.getId(), from.atStartOfDay(zone).toInstant(),
                to.atStartOfDay(zone).toInstant());
    }
}
