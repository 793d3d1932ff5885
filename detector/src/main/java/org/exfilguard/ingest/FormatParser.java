package org.exfilguard.ingest;

/**
 * A format's own parser, before {@link LogFormat#newParser} wraps it: it may throw on input it was not written for,
 * and {@link GuardedParser} turns that into a reject and calls one of these so that the next line starts clean.
 */
interface FormatParser extends LogParser {

    /** Forgets the entry being read: reading a line threw. */
    default void abandonEntry() {}

    /** Forgets everything held: finishing threw. */
    default void abandonAll() {
        abandonEntry();
    }
}
