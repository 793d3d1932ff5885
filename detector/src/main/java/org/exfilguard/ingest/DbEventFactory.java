package org.exfilguard.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.Operation;

/** Builds {@link DbAccessEvent}s from a statement: fingerprint, operation and tables read; the raw text stays here. */
final class DbEventFactory {

    static final String UNKNOWN_ACCOUNT = "unknown";

    private final SqlTables sqlTables;
    private final String sourceFormat;

    DbEventFactory(ParserOptions options, LogFormat format) {
        this.sqlTables = new SqlTables(options.maxFullParseChars(), 10_000);
        this.sourceFormat = format.id();
    }

    /**
     * Fields of one access; {@code statement} may be null (not logged), {@code knownTables} come from the log itself,
     * {@code dialect} says where the statement's literals end.
     */
    record Access(
            Instant time,
            String account,
            String clientIp,
            String clientHost,
            String database,
            String statement,
            Operation operation,
            List<String> knownTables,
            long rowsReturned,
            Long rowsExamined,
            Long bytesReturned,
            String sessionId,
            String defaultSchema,
            SqlDialect dialect) {}

    DbAccessEvent build(Access a) {
        String db = blankToNull(a.database());
        String dbLower = db == null ? null : db.toLowerCase(Locale.ROOT);
        String fingerprint = null;
        Operation op = a.operation();
        List<String> tables = new ArrayList<>();
        boolean undetermined = false;
        if (a.statement() != null && !a.statement().isBlank()) {
            fingerprint = Fingerprint.of(a.statement(), a.dialect());
            String qualifier = a.defaultSchema() != null ? a.defaultSchema() : dbLower;
            SqlTables.Extraction x = sqlTables.extract(a.statement(), fingerprint, qualifier, a.dialect());
            if (op == null) {
                op = x.operation();
            }
            tables.addAll(x.tables());
            undetermined = x.undetermined();
        }
        if (a.knownTables() != null) {
            for (String t : a.knownTables()) {
                String n = SqlTables.normalise(t, null);
                if (!tables.contains(n)) {
                    tables.add(n);
                }
            }
        }
        // The all-args constructor rather than the builder: the builder validates and copies per field, and this
        // runs once per log entry. Every non-null field is set here, so the builder's checks add nothing.
        return new DbAccessEvent(
                a.time(),
                blankToNull(a.account()) == null ? UNKNOWN_ACCOUNT : a.account(),
                blankToNull(a.clientIp()),
                blankToNull(a.clientHost()),
                dbLower,
                tables,
                op == null ? Operation.OTHER : op,
                a.rowsReturned(),
                a.rowsExamined(),
                a.bytesReturned(),
                fingerprint,
                blankToNull(a.sessionId()),
                sourceFormat,
                undetermined && tables.isEmpty());
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
