package dev.tokenledger.coherence;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A change made through the admin API that every replica must apply to what it keeps in memory. Announced on the
 * change channel by the replica that made it (after it is durable) and delivered to the others as a CDI event; also
 * fired on one replica alone as {@link Kind#ALL} when it may have missed announcements.
 *
 * @param kind what changed
 * @param subject which one (a key hash, a deployment id), or empty when the whole kind is reloaded
 */
public record Change(Kind kind, String subject) {

    /** What a change is about. */
    public enum Kind {
        /** A virtual key was disabled, enabled, revoked or rotated; the subject is its stored hash. */
        KEY,
        /** Limits of some scope were set, patched or removed. */
        LIMITS,
        /** Prices were added or imported. */
        PRICES,
        /** An admin action on a deployment (its cooldown ended); the subject is the deployment id. */
        DEPLOYMENT,
        /**
         * Upstream credentials changed; the subject names the credential. Reserved for the credential store: the
         * component that keeps credentials in memory observes it.
         */
        CREDENTIALS,
        /** Everything may be stale (announcements may have been missed): reload every kind. */
        ALL
    }

    /** Longest subject accepted from the channel. */
    static final int MAX_SUBJECT = 256;
    private static final Pattern SUBJECT = Pattern.compile("[\\x20-\\x7e]{0," + MAX_SUBJECT + "}");
    private static final Pattern ORIGIN = Pattern.compile("[0-9a-f-]{1,64}");

    public static final Change ALL = new Change(Kind.ALL, "");

    public Change {
        subject = subject == null ? "" : subject;
        if (!SUBJECT.matcher(subject).matches()) {
            throw new IllegalArgumentException("a change subject is printable ASCII up to " + MAX_SUBJECT + " chars");
        }
    }

    public static Change of(Kind kind) {
        return new Change(kind, "");
    }

    public static Change key(String keyHash) {
        return new Change(Kind.KEY, keyHash);
    }

    public static Change deployment(String id) {
        return new Change(Kind.DEPLOYMENT, id);
    }

    /** The message on the channel: {@code origin|KIND|subject}. */
    String encode(String origin) {
        return origin + '|' + kind.name() + '|' + subject;
    }

    /** A message read from the channel, or empty when it is not one of ours (anything in Redis may publish). */
    static Optional<Message> decode(String message) {
        if (message == null || message.length() > 2 * MAX_SUBJECT) {
            return Optional.empty();
        }
        String[] parts = message.split("\\|", 3);
        if (parts.length != 3 || !ORIGIN.matcher(parts[0]).matches() || !SUBJECT.matcher(parts[2]).matches()) {
            return Optional.empty();
        }
        if (Changes.PING.equals(parts[1])) {
            return Optional.of(new Message(parts[0], null));
        }
        try {
            return Optional.of(new Message(parts[0], new Change(Kind.valueOf(parts[1]), parts[2])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A decoded message: who sent it and the change, or a null change for a heartbeat. */
    record Message(String origin, Change change) {
    }
}
