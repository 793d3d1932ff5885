package org.exfilguard.ingest;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The log formats ingest reads; {@link #id()} is what events carry in {@code source_format}. */
public enum LogFormat {
    MYSQL_SLOW("mysql-slow", true, false),
    PGAUDIT("pgaudit", true, false),
    AURORA_DAS("aurora-das", true, false),
    MYSQL_AUDIT("mysql-audit", true, false),
    ZEEK_CONN("zeek-conn", false, true),
    VPC_FLOW("vpc-flow", false, true),
    CANONICAL("canonical", true, true);

    private final String id;
    private final boolean database;
    private final boolean egress;

    LogFormat(String id, boolean database, boolean egress) {
        this.id = id;
        this.database = database;
        this.egress = egress;
    }

    /** Whether this format carries database access events. */
    public boolean database() {
        return database;
    }

    /** Whether this format carries egress (network) events. */
    public boolean egress() {
        return egress;
    }

    public String id() {
        return id;
    }

    /**
     * A new parser for one stream named {@code source} (a file name or topic-partition, used in rejects), its events
     * held to {@link EventBounds} and to the event-time bound every format shares; a line the format's parser throws
     * on becomes a reject ({@link GuardedParser}).
     */
    public LogParser newParser(String source, ParserOptions options) {
        return made(formatParser(source, options), source);
    }

    /** What every format's parser is wrapped in where it is made: the guard inside, the bounds outside. */
    static LogParser made(FormatParser parser, String source) {
        return new BoundedParser(new GuardedParser(parser, source), source);
    }

    FormatParser formatParser(String source, ParserOptions options) {
        return switch (this) {
            case MYSQL_SLOW -> new MySqlSlowLogParser(source, options);
            case PGAUDIT -> new PgAuditParser(source, options);
            case AURORA_DAS -> new AuroraDasParser(source, options);
            case MYSQL_AUDIT -> new MySqlAuditJsonParser(source, options);
            case ZEEK_CONN -> new ZeekConnParser(source, options);
            case VPC_FLOW -> new VpcFlowParser(source, options);
            case CANONICAL -> new CanonicalJsonParser(source, options);
        };
    }

    /** By id ({@code mysql-slow}) or enum name ({@code MYSQL_SLOW}), case-insensitive. */
    public static Optional<LogFormat> byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values()).filter(f -> f.id.equals(n)).findFirst();
    }
}
