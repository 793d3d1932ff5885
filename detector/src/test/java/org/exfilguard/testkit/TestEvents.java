package org.exfilguard.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.Operation;

/** Builders for test events with sane defaults: {@code TestEvents.dbRead().account("u1").rows(10_000).at(t0).build()}. */
public final class TestEvents {

    private TestEvents() {}

    public static DbRead dbRead() {
        return new DbRead();
    }

    /** A database read; defaults: analyst {@code u1} reading 10 rows of coop.members from 10.0.0.1. */
    public static final class DbRead {
        private String account = "u1";
        private List<String> tables = new ArrayList<>(List.of("coop.members"));
        private String database = "coop";
        private long rows = 10;
        private Long rowsExamined;
        private Long bytes;
        private Instant at = Instant.parse("2026-03-02T10:00:00Z");
        private String clientIp = "10.0.0.1";
        private Operation operation = Operation.SELECT;
        private String fingerprint = "select * from coop.members where id = ?";

        public DbRead account(String account) {
            this.account = account;
            return this;
        }

        public DbRead table(String table) {
            this.tables = new ArrayList<>(List.of(table));
            return this;
        }

        public DbRead tables(String... tables) {
            this.tables = new ArrayList<>(List.of(tables));
            return this;
        }

        public DbRead database(String database) {
            this.database = database;
            return this;
        }

        public DbRead rows(long rows) {
            this.rows = rows;
            return this;
        }

        public DbRead rowsExamined(long rowsExamined) {
            this.rowsExamined = rowsExamined;
            return this;
        }

        public DbRead bytes(long bytes) {
            this.bytes = bytes;
            return this;
        }

        public DbRead at(Instant at) {
            this.at = at;
            return this;
        }

        public DbRead at(String iso) {
            this.at = Instant.parse(iso);
            return this;
        }

        public DbRead clientIp(String clientIp) {
            this.clientIp = clientIp;
            return this;
        }

        public DbRead operation(Operation operation) {
            this.operation = operation;
            return this;
        }

        public DbRead fingerprint(String fingerprint) {
            this.fingerprint = fingerprint;
            return this;
        }

        public DbAccessEvent build() {
            return DbAccessEvent.newBuilder()
                    .setEventTime(at)
                    .setAccount(account)
                    .setClientIp(clientIp)
                    .setClientHost(null)
                    .setDatabase(database)
                    .setTables(tables)
                    .setOperation(operation)
                    .setRowsReturned(rows)
                    .setRowsExamined(rowsExamined)
                    .setBytesReturned(bytes)
                    .setStatementFingerprint(fingerprint)
                    .setSessionId("s-" + account)
                    .setSourceFormat("test")
                    .build();
        }
    }
}
