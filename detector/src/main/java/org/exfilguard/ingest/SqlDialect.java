package org.exfilguard.ingest;

import java.util.Locale;

/**
 * The SQL dialect a log writes statements in: it decides where a literal ends. Under postgres's
 * {@code standard_conforming_strings} (the default since 9.1) a backslash is an ordinary character in {@code '...'};
 * under MySQL it escapes the next one. Reading one as the other lets a literal out of its quotes.
 */
public enum SqlDialect {
    /** Standard strings, {@code E'...'}, {@code U&'...'}, dollar quoting, {@code "identifiers"}, nested comments. */
    POSTGRES,
    /** Backslash escapes in {@code '...'} and {@code "..."}, {@code `identifiers`}, {@code #} comments, versioned comments. */
    MYSQL,
    /** Not known: a literal is masked as far as either reading says it goes. */
    UNKNOWN;

    /** The dialect of an Aurora Database Activity Stream event's {@code dbProtocol} ({@code Postgres 3.0}, {@code MySQL}). */
    static SqlDialect ofProtocol(String protocol) {
        if (protocol == null) {
            return UNKNOWN;
        }
        String p = protocol.toLowerCase(Locale.ROOT);
        return p.startsWith("postgres") ? POSTGRES : p.startsWith("mysql") ? MYSQL : UNKNOWN;
    }
}
