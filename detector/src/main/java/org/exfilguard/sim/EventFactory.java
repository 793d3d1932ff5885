package org.exfilguard.sim;

import java.time.Instant;
import java.util.List;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.Operation;

/** Builds canonical events the way the parsers would: lower-case tables, literals already replaced by '?'. */
final class EventFactory {
    static final String SOURCE_FORMAT = "simulated";

    private EventFactory() {}

    static SimEvent.Db read(
            Account a,
            Instant t,
            String fingerprint,
            List<String> tables,
            long rows,
            long rowsExamined,
            String sessionId) {
        return statement(
                a,
                t,
                fingerprint,
                tables,
                Operation.SELECT,
                rows,
                rowsExamined,
                rows * TableCatalog.BYTES_PER_ROW,
                sessionId);
    }

    static SimEvent.Db statement(
            Account a,
            Instant t,
            String fingerprint,
            List<String> tables,
            Operation op,
            long rows,
            Long rowsExamined,
            Long bytes,
            String sessionId) {
        String first = tables.isEmpty() ? null : tables.get(0);
        String database = first == null ? null : first.substring(0, first.indexOf('.'));
        return statementIn(database, a, t, fingerprint, tables, op, rows, rowsExamined, bytes, sessionId);
    }

    /** A statement run while connected to {@code database}, which need not be the database of its tables. */
    static SimEvent.Db statementIn(
            String database,
            Account a,
            Instant t,
            String fingerprint,
            List<String> tables,
            Operation op,
            long rows,
            Long rowsExamined,
            Long bytes,
            String sessionId) {
        DbAccessEvent e = DbAccessEvent.newBuilder()
                .setEventTime(t)
                .setAccount(a.name())
                .setClientIp(a.clientIp())
                .setClientHost(a.clientHost())
                .setDatabase(database)
                .setTables(List.copyOf(tables))
                .setOperation(op)
                .setRowsReturned(rows)
                .setRowsExamined(rowsExamined)
                .setBytesReturned(bytes)
                .setStatementFingerprint(fingerprint)
                .setSessionId(sessionId)
                .setSourceFormat(SOURCE_FORMAT)
                .build();
        return new SimEvent.Db(e);
    }

    static SimEvent.Egress flow(Account a, Instant t, Destination d, long bytesOut, long bytesIn) {
        EgressEvent e = EgressEvent.newBuilder()
                .setEventTime(t)
                .setSrcIp(a.clientIp())
                .setSrcHost(a.clientHost())
                .setAccount(null)
                .setDstIp(d.ip())
                .setDstHost(d.host())
                .setDstPort(d.port())
                .setProtocol("tcp")
                .setBytesOut(bytesOut)
                .setBytesIn(bytesIn)
                .setSourceFormat(SOURCE_FORMAT)
                .build();
        return new SimEvent.Egress(e);
    }

    /** An external endpoint; host may be null when only the address is known. */
    record Destination(String ip, String host, int port) {}
}
