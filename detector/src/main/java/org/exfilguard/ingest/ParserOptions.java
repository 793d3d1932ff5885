package org.exfilguard.ingest;

import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Settings shared by the parsers.
 *
 * @param maxEntryChars a single entry or statement longer than this is rejected rather than buffered
 * @param logZone       zone of log timestamps that carry none (old MySQL {@code # Time: 071015 21:43:52})
 * @param maxFullParseChars statements longer than this skip the full SQL parser (fast path and token scan only)
 */
public record ParserOptions(int maxEntryChars, ZoneId logZone, int maxFullParseChars) {

    public static final int DEFAULT_MAX_ENTRY_CHARS = 16 * 1024 * 1024;
    public static final int DEFAULT_MAX_FULL_PARSE_CHARS = 64 * 1024;

    public ParserOptions {
        if (maxEntryChars <= 0 || maxFullParseChars <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (logZone == null) {
            logZone = ZoneOffset.UTC;
        }
    }

    public static ParserOptions defaults() {
        return new ParserOptions(DEFAULT_MAX_ENTRY_CHARS, ZoneOffset.UTC, DEFAULT_MAX_FULL_PARSE_CHARS);
    }

    public ParserOptions withMaxEntryChars(int max) {
        return new ParserOptions(max, logZone, maxFullParseChars);
    }
}
