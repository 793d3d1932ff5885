package org.exfilguard.ingest;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The log formats ingest reads; {@link #id()} is what events carry in {@code source_format}. */
public enum LogFormat {
    MYSQL_SLOW("mysql-slow"),
    PGAUDIT("pgaudit"),
    AURORA_DAS("aurora-das"),
    MYSQL_AUDIT("mysql-audit"),
    ZEEK_CONN("zeek-conn"),
    VPC_FLOW("vpc-flow"),
    CANONICAL("canonical");

    private final String id;

    LogFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /**
     * A new parser for one stream named {@code source} (a file name or topic-partition, used in rejects), its events
     * held to {@link EventBounds} and to the event-time bound every format shares.
     */
    public LogParser newParser(String source, ParserOptions options) {
        return new BoundedParser(formatParser(source, options), source);
    }

    private LogParser formatParser(String source, ParserOptions options) {
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
