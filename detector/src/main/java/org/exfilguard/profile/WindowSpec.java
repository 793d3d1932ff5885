package org.exfilguard.profile;

import java.time.Duration;
import java.util.Objects;

/**
 * A sliding window: its length and how many sub-buckets it is summed over. Small sub-buckets let an
 * extraction that straddles a bucket edge be seen whole; more of them cost more state per key.
 */
public record WindowSpec(String name, Duration length, int subBuckets) {

    public WindowSpec {
        Objects.requireNonNull(name, "name");
        if (length.isZero() || length.isNegative()) {
            throw new IllegalArgumentException("window " + name + ": length must be positive");
        }
        if (subBuckets < 1 || length.toMillis() % subBuckets != 0) {
            throw new IllegalArgumentException("window " + name + ": length must divide into " + subBuckets + " whole sub-buckets");
        }
    }

    public long subBucketMillis() {
        return length.toMillis() / subBuckets;
    }

    /** Parses {@code 15m:15}, {@code 1h:12}, {@code 1d:24}, {@code 7d:28} (name:sub-buckets; the name is the length). */
    public static WindowSpec parse(String text) {
        String[] parts = text.trim().split(":");
        String name = parts[0].trim();
        int subBuckets = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 12;
        return new WindowSpec(name, parseDuration(name), subBuckets);
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
