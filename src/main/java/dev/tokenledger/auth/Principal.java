package dev.tokenledger.auth;

import java.util.List;
import java.util.UUID;

/**
 * Who is calling.
 *
 * @param subject a stable id for logs and the ledger (never the key itself)
 * @param admin whether this principal has every right (the master key)
 * @param keyId the virtual key, or null for the master key and anonymous callers
 * @param teamId the key's team, or null
 * @param orgId the team's organization, or null
 * @param models the models the key may use (exact names or patterns with {@code *}); empty allows all
 */
public record Principal(String subject, boolean admin, UUID keyId, UUID teamId, UUID orgId, List<String> models) {

    public static final Principal ANONYMOUS = new Principal("anonymous", false, null, null, null, List.of());
    public static final Principal MASTER = new Principal("master-key", true, null, null, null, List.of());

    public Principal {
        models = models == null ? List.of() : List.copyOf(models);
    }

    /** Whether this principal may use a model, by its allow-list. */
    public boolean mayUse(String model) {
        if (models.isEmpty()) {
            return true;
        }
        for (String pattern : models) {
            if (matches(pattern, model)) {
                return true;
            }
        }
        return false;
    }

    /** Glob match where {@code *} stands for any run of characters. */
    static boolean matches(String pattern, String value) {
        if (pattern.indexOf('*') < 0) {
            return pattern.equals(value);
        }
        String[] parts = pattern.split("\\*", -1);
        if (!value.startsWith(parts[0])) {
            return false;
        }
        int at = parts[0].length();
        for (int i = 1; i < parts.length - 1; i++) {
            int found = value.indexOf(parts[i], at);
            if (found < 0) {
                return false;
            }
            at = found + parts[i].length();
        }
        String last = parts[parts.length - 1];
        return value.length() - at >= last.length() && value.endsWith(last);
    }
}
