package org.exfilguard.profile;

import java.time.Duration;
import java.util.Objects;

/**
 * A sliding window: its length, how many sub-buckets it is summed over, and the fewest rows it ever alerts on.
 * Small sub-buckets let an extraction that straddles a bucket edge be seen whole; more of them cost more state
 * per key. The floor grows with the window: a 20,000-row monthly report is normal in a week, not in a minute.
 */
public record WindowSpec(String name, Duration length, int subBuckets, long minRows) {

    public WindowSpec {
        Objects.requireNonNull(name, "name");
        if (length.isZero() || length.isNegative()) {
            throw new IllegalArgumentException("window " + name + ": length must be positive");
        }
        if (subBuckets < 1 || length.toMillis() % subBuckets != 0) {
            throw new IllegalArgumentException(
                    "window " + name + ": length must divide into " + subBuckets + " whole sub-buckets");
        }
        if (minRows < 0) {
            throw new IllegalArgumentException("window " + name + ": minimum rows must not be negative");
        }
    }

    public long subBucketMillis() {
        return length.toMillis() / subBuckets;
    }

    /**
     * Parses {@code length:sub-buckets:min-rows}, e.g. {@code 15m:15:10000} or {@code 7d:28:50000}; the name is the
     * length. Sub-buckets default to 12 and the floor to 10,000 rows.
     */
    public static WindowSpec parse(String text) {
        String[] parts = text.trim().split(":");
        String name = parts[0].trim();
        try {
            int subBuckets = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 12;
            long minRows = parts.length > 2 ? Long.parseLong(parts[2].trim()) : 10_000;
            return new WindowSpec(name, parseDuration(name), subBuckets, minRows);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "window '" + text + "': expected length:sub-buckets:min-rows, e.g. 15m:15:10000");
        }
    }

    static Duration parseDuration(String text) {
        if (text.length() < 2) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use 15m, 1h, 1d, 7d)");
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            case 'w' -> Duration.ofDays(7 * amount);
            default -> throw new IllegalArgumentException("not a duration: '" + text + "' (use 15m, 1h, 1d, 7d)");
        };
    }
}
