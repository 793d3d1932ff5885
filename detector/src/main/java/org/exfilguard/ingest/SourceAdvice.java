package org.exfilguard.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.Operation;

/**
 * What a source's first events say about how its server logs, as advice with the setting to change: reads that
 * never carry a row count (pgaudit without {@code log_rows}, MySQL Enterprise Audit, which has none) cannot raise
 * a volume alert, and statements that name no account (a {@code log_line_prefix} without {@code %u}) cannot be
 * profiled per account. Judged per source format over its first {@value #SAMPLE} reads or statements; each piece of
 * advice is given once.
 */
public final class SourceAdvice {

    /** Reads (statements) of a format looked at before advising. */
    static final int SAMPLE = 200;

    private final Map<String, Counts> byFormat = new LinkedHashMap<>();
    private final List<String> given = new ArrayList<>();

    private static final class Counts {
        long reads;
        long readsWithRows;
        long statements;
        long statementsWithAccount;
        boolean rowsJudged;
        boolean accountsJudged;
    }

    /** Takes one event; returns the advice it completes, if any (at most once per format and kind). */
    public Optional<String> observe(DbAccessEvent event) {
        String format = event.getSourceFormat() == null ? "unknown" : event.getSourceFormat();
        Counts c = byFormat.computeIfAbsent(format, f -> new Counts());
        Optional<String> advice = Optional.empty();
        c.statements++;
        if (!DbEventFactory.UNKNOWN_ACCOUNT.equals(event.getAccount())) {
            c.statementsWithAccount++;
        }
        if (!c.accountsJudged && c.statements >= SAMPLE) {
            c.accountsJudged = true;
            if (c.statementsWithAccount == 0) {
                advice = Optional.of(give(accountAdvice(format)));
            }
        }
        Operation op = event.getOperation();
        if (op == Operation.SELECT || op == Operation.COPY_OUT || op == Operation.EXPORT) {
            c.reads++;
            if (event.getRowsReturned() > 0) {
                c.readsWithRows++;
            }
            if (!c.rowsJudged && c.reads >= SAMPLE) {
                c.rowsJudged = true;
                if (c.readsWithRows == 0) {
                    advice = Optional.of(give(rowsAdvice(format)));
                }
            }
        }
        return advice;
    }

    /** Takes advice given elsewhere (another file's statistics), each piece once. */
    public void adopt(List<String> advice) {
        advice.stream().filter(a -> !given.contains(a)).forEach(given::add);
    }

    /** Every piece of advice given so far, in order. */
    public List<String> given() {
        return List.copyOf(given);
    }

    private String give(String advice) {
        given.add(advice);
        return advice;
    }

    static String rowsAdvice(String format) {
        String head =
                format + ": none of the first " + SAMPLE + " reads carried a row count, so no volume alert can fire; ";
        return switch (format) {
            case "pgaudit" -> head + "set pgaudit.log_rows = on (and pgaudit.log_relation = on)";
            case "mysql-audit" ->
                head + "MySQL Enterprise Audit logs no row counts: ship the slow query log"
                        + " (long_query_time = 0) beside it";
            case "mysql-slow" ->
                head + "check that the slow log has Rows_sent (long_query_time = 0, log_slow_extra = ON)";
            case "aurora-das" -> head + "the activity stream's records have no rowCount";
            default -> head + "see the README, 'Preparing your sources'";
        };
    }

    static String accountAdvice(String format) {
        String head = format + ": none of the first " + SAMPLE + " statements named its account, so every read is"
                + " profiled as one account 'unknown'; ";
        return switch (format) {
            case "pgaudit" -> head + "put %u@%d and %h in log_line_prefix (e.g. '%m [%p] %q%u@%d %h ')";
            default -> head + "see the README, 'Preparing your sources'";
        };
    }
}
