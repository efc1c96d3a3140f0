package dev.tokenledger.admission.limits;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.tokenledger.canonical.GatewayError;

/**
 * A money budget.
 *
 * @param amountUsd the amount, a decimal string such as {@code "250.00"}
 * @param window {@code day}, {@code week}, {@code month} (calendar windows in {@code timezone}) or {@code rolling}
 *        (consecutive periods of {@code rollingDays} days from when the limits were set)
 * @param rollingDays length of a rolling window in days (default 30)
 * @param timezone time zone of calendar windows; the gateway's configured zone when absent
 * @param softThreshold fraction of the amount (e.g. {@code 0.8}) whose crossing fires an alert
 * @param hard whether the budget refuses requests (and fails closed while Redis is down); a soft budget only alerts
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record BudgetSpec(
        @Schema(type = SchemaType.STRING, description = "The amount, a decimal string", examples = "5.00") @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amountUsd,
        @Schema(description = "day, week, month or rolling; month when absent", examples = "month") String window,
        Integer rollingDays,
        String timezone,
        BigDecimal softThreshold, Boolean hard) {

    static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

    /** The amount in micro-USD, rounded half-up. */
    public long amountMicros() {
        return amountUsd.multiply(MICROS).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    public String windowOrDefault() {
        return window == null ? "month" : window;
    }

    public boolean isHard() {
        return hard == null || hard;
    }

    public void validate(String prefix) {
        if (amountUsd == null || amountUsd.signum() < 0) {
            throw GatewayError.invalid(prefix + "amountUsd", "'" + prefix + "amountUsd' must be a non-negative amount.");
        }
        if (!java.util.List.of("day", "week", "month", "rolling").contains(windowOrDefault())) {
            throw GatewayError.invalid(prefix + "window", "'" + prefix + "window' must be day, week, month or rolling.");
        }
        if (rollingDays != null && rollingDays <= 0) {
            throw GatewayError.invalid(prefix + "rollingDays", "'" + prefix + "rollingDays' must be positive.");
        }
        if (softThreshold != null && (softThreshold.signum() <= 0 || softThreshold.compareTo(BigDecimal.ONE) > 0)) {
            throw GatewayError.invalid(prefix + "softThreshold", "'" + prefix + "softThreshold' must be in (0, 1].");
        }
        if (timezone != null) {
            try {
                ZoneId.of(timezone);
            } catch (DateTimeException e) {
                throw GatewayError.invalid(prefix + "timezone", "Unknown time zone '" + timezone + "'.");
            }
        }
    }
}
