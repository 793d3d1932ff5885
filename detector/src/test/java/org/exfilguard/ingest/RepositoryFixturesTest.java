package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.exfilguard.detect.EventValidator;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.Operation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checks of {@link SampleFilesTest}, over logs written in this repository ({@code src/test/resources/ingest/fixtures},
 * one folder per format, one file per real layout): they run on every clone, where SampleFilesTest skips without
 * ../shared. Every fixture's format is detected, it parses, and the only rejects are the malformed entries written into
 * the fixtures on purpose, listed here one by one; then each layout gives the fields it holds.
 * <p>
 * The fixtures are original text in the layouts of the third-party samples (accounts, hosts, tables and times are
 * made up; addresses are private or documentation ranges). Never copy sample lines here.
 */
class RepositoryFixturesTest {

    /** Folder of the fixtures to the format each file in it must be detected as. */
    private static final Map<String, LogFormat> FORMAT_BY_FOLDER = Map.of(
            "mysql-slow", LogFormat.MYSQL_SLOW,
            "pgaudit", LogFormat.PGAUDIT,
            "postgres-syslog", LogFormat.PGAUDIT,
            "aurora-das", LogFormat.AURORA_DAS,
            "mysql-audit", LogFormat.MYSQL_AUDIT,
            "zeek", LogFormat.ZEEK_CONN,
            "vpc-flow", LogFormat.VPC_FLOW);

    /** The layouts the fixtures cover: removing one fails here rather than silently testing less. */
    private static final Set<String> LAYOUTS = Set.of(
            "mysql-slow/mysql80-log-slow-extra.log",
            "mysql-slow/mysql57.log",
            "mysql-slow/mysql56.log",
            "mysql-slow/percona57-extended.log",
            "mysql-slow/percona80-rotated.log.gz",
            "pgaudit/default-prefix-interleaved.log",
            "pgaudit/debian-prefix-user-db.log",
            "pgaudit/rds-prefix.log",
            "pgaudit/log-rows.log",
            "postgres-syslog/ibm-cloud-envelope.log",
            "postgres-syslog/rsyslog-local0.log",
            "aurora-das/postgres-pretty.json",
            "aurora-das/mysql-one-per-line.json",
            "mysql-audit/enterprise-audit-lines.json",
            "mysql-audit/enterprise-audit-array.json",
            "zeek/conn.log",
            "zeek/conn-json.log",
            "zeek/conn-json-underscore-iso.log",
            "vpc-flow/v2-default-cloudwatch.log",
            "vpc-flow/custom-v5-s3-header.log");

    /** The entries written malformed on purpose: file, line, reason. */
    private static final List<LogSamples.Expected> MALFORMED_ON_PURPOSE = List.of(
            // '# User@Host: coop_app[coop_app' cut before ' @ host [ip]'
            new LogSamples.Expected("mysql-slow/mysql57.log", 11, "malformed User@Host"),
            // '# Time: 26O302 10:00:07', a letter O in the date
            new LogSamples.Expected("mysql-slow/mysql56.log", 19, "malformed # Time"),
            // STATEMENT opens a quote that never closes: the next audit line begins first
            new LogSamples.Expected("pgaudit/debian-prefix-user-db.log", 3, "unterminated quoted field"),
            // the syslog JSON message ends inside the quoted STATEMENT (cut by the shipper)
            new LogSamples.Expected("postgres-syslog/ibm-cloud-envelope.log", 2, "unterminated quoted field"),
            // a record torn inside a string, then the next record begins
            new LogSamples.Expected("mysql-audit/enterprise-audit-lines.json", 4, "unterminated JSON record"),
            // the last TSV row cut after five fields (rotated mid-write, no #close)
            new LogSamples.Expected("zeek/conn.log", 13, "expected 21 fields, got 5"));

    private static Path dir;
    private static Map<String, LogSamples.Parsed> parsed;

    @BeforeAll
    static void parseAll() throws IOException, URISyntaxException {
        URL url = RepositoryFixturesTest.class.getResource("/ingest/fixtures");
        assertThat(url).as("fixtures on the test classpath").isNotNull();
        dir = Path.of(url.toURI());
        parsed = LogSamples.checkDirectory(dir, FORMAT_BY_FOLDER, MALFORMED_ON_PURPOSE, Set.of());
    }

    private static <T> List<T> events(String file, Class<T> type) {
        assertThat(parsed).as("fixtures").containsKey(file);
        return parsed.get(file).events(type);
    }

    @Test
    void everyFixtureParsesAndOnlyTheListedEntriesAreRejected() {
        // checkDirectory (in parseAll) asserted detection, formats, rejects, quotes and source_format.
        assertThat(parsed.keySet()).containsExactlyInAnyOrderElementsOf(LAYOUTS);
        assertThat(parsed.keySet().stream().map(f -> f.substring(0, f.indexOf('/'))))
                .containsAll(FORMAT_BY_FOLDER.keySet());
        assertThat(parsed.values().stream().mapToLong(p -> p.stats().events()).sum())
                .isGreaterThan(40);
        for (var e : parsed.entrySet()) {
            assertThat(e.getValue().stats().events())
                    .as("events of " + e.getKey())
                    .isPositive();
        }
    }

    @Test
    void everyEventPassesTheDetectorsValidation() {
        EventValidator validator = new EventValidator(Duration.ofMinutes(5));
        Instant now = Instant.now();
        for (var f : parsed.entrySet()) {
            for (DbAccessEvent e : f.getValue().events(DbAccessEvent.class)) {
                assertThat(validator.check(e, now)).as(f.getKey() + " " + e).isEmpty();
                assertThat(e.getSourceFormat())
                        .as(f.getKey())
                        .isEqualTo(
                                FORMAT_BY_FOLDER.get(f.getKey().split("/")[0]).id());
            }
            for (EgressEvent e : f.getValue().events(EgressEvent.class)) {
                assertThat(validator.check(e, now)).as(f.getKey() + " " + e).isEmpty();
                assertThat(e.getSourceFormat())
                        .as(f.getKey())
                        .isEqualTo(
                                FORMAT_BY_FOLDER.get(f.getKey().split("/")[0]).id());
            }
        }
    }

    @Test
    void mysql80LogSlowExtraGivesBytesSentRowsAndJoinedTables() {
        List<DbAccessEvent> events = events("mysql-slow/mysql80-log-slow-extra.log", DbAccessEvent.class);
        assertThat(events).hasSize(3);
        DbAccessEvent dump = events.get(1);
        assertThat(dump.getAccount()).isEqualTo("report_ro");
        assertThat(dump.getClientIp()).isEqualTo("10.20.7.44");
        assertThat(dump.getClientHost()).isNull();
        assertThat(dump.getSessionId()).isEqualTo("57");
        assertThat(dump.getDatabase()).isEqualTo("coop"); // 'use coop;' of the entry before persists
        assertThat(dump.getTables()).containsExactlyInAnyOrder("coop.member_cards", "coop.members");
        assertThat(dump.getOperation()).isEqualTo(Operation.SELECT);
        assertThat(dump.getRowsReturned()).isEqualTo(48210);
        assertThat(dump.getBytesReturned()).isEqualTo(5_123_456L);
        assertThat(dump.getEventTime()).isEqualTo(Instant.parse("2026-03-02T10:00:00Z")); // SET timestamp wins
        DbAccessEvent first = events.get(0);
        assertThat(first.getClientHost()).isEqualTo("app-01.coop.internal");
        assertThat(first.getTables()).containsExactly("coop.members");
        assertThat(first.getBytesReturned()).isEqualTo(3120);
    }

    @Test
    void mysql57GivesLocalhostUseDbAndRecoversAfterTheTruncatedHeader() {
        List<DbAccessEvent> events = events("mysql-slow/mysql57.log", DbAccessEvent.class);
        assertThat(events).hasSize(3); // the entry with the cut User@Host is the one reject
        assertThat(events.get(0).getClientHost()).isEqualTo("localhost");
        assertThat(events.get(0).getClientIp()).isNull();
        assertThat(events.get(0).getTables()).containsExactly("coop.member_cards");
        assertThat(events.get(0).getBytesReturned()).isNull(); // 5.7 has no Bytes_sent
        DbAccessEvent dump = events.get(1);
        assertThat(dump.getAccount()).isEqualTo("backup");
        assertThat(dump.getClientIp()).isEqualTo("10.20.3.9");
        assertThat(dump.getTables()).containsExactly("coop.orders");
        assertThat(dump.getRowsReturned()).isEqualTo(211904);
        assertThat(events.get(2).getStatementFingerprint()).startsWith("administrator command");
        assertThat(events.get(2).getRowsReturned()).isZero();
    }

    @Test
    void mysql56ShortTimeWithOneDigitHourAndCarriedOverTime() {
        List<DbAccessEvent> events = events("mysql-slow/mysql56.log", DbAccessEvent.class);
        assertThat(events).hasSize(3);
        assertThat(events.get(0).getEventTime()).isEqualTo(Instant.parse("2026-03-02T09:59:58Z"));
        assertThat(events.get(0).getTables()).containsExactlyInAnyOrder("coop.orders", "coop.members");
        assertThat(events.get(0).getRowsReturned()).isEqualTo(1200);
        assertThat(events.get(0).getRowsExamined()).isEqualTo(98000);
        assertThat(events.get(1).getOperation()).isEqualTo(Operation.DML);
        assertThat(events.get(2).getTables()).containsExactly("coop.member_cards");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getAccount()).isEqualTo("coop_batch");
            assertThat(e.getClientIp()).isEqualTo("10.20.3.8");
            assertThat(e.getClientHost()).isEqualTo("batch-02.coop.internal");
            assertThat(e.getSessionId()).isEqualTo("118");
        });
    }

    @Test
    void perconaExtendedGivesSchemaAndBytesSentLine() {
        List<DbAccessEvent> events = events("mysql-slow/percona57-extended.log", DbAccessEvent.class);
        assertThat(events).hasSize(2);
        DbAccessEvent e = events.get(0);
        assertThat(e.getAccount()).isEqualTo("coop_admin");
        assertThat(e.getClientIp()).isEqualTo("10.20.9.3");
        assertThat(e.getDatabase()).isEqualTo("coop"); // from '# Schema: coop', no 'use'
        assertThat(e.getTables()).containsExactly("coop.member_cards");
        assertThat(e.getRowsReturned()).isEqualTo(120433);
        assertThat(e.getBytesReturned()).isEqualTo(18_433_921L);
        assertThat(events.get(1).getBytesReturned()).isEqualTo(412);
    }

    @Test
    void gzippedFixtureIsReadTransparently() throws IOException {
        Path gz = dir.resolve("mysql-slow/percona80-rotated.log.gz");
        try (InputStream in = Files.newInputStream(gz)) {
            assertThat(in.readNBytes(2)).containsExactly(0x1f, 0x8b); // really gzip, not text named .gz
        }
        DbAccessEvent e = events("mysql-slow/percona80-rotated.log.gz", DbAccessEvent.class)
                .get(0);
        assertThat(e.getBytesReturned()).isEqualTo(7801); // Percona 8.0: Bytes_sent on the Query_time line
        assertThat(e.getRowsReturned()).isEqualTo(60);
        assertThat(e.getTables()).containsExactly("coop.orders");
        assertThat(e.getClientIp()).isEqualTo("10.20.1.16");
    }

    @Test
    void pgauditDefaultPrefixMergesEachSessionsLinesAcrossInterleaving() {
        List<DbAccessEvent> events = events("pgaudit/default-prefix-interleaved.log", DbAccessEvent.class);
        assertThat(events).hasSize(4);
        // Session 31044's two SESSION lines (one per relation) around session 31057's INSERT: one event.
        assertThat(events)
                .filteredOn(e -> "31044".equals(e.getSessionId()) && e.getOperation() == Operation.SELECT)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getTables()).containsExactlyInAnyOrder("coop.members", "coop.member_cards");
                    assertThat(e.getEventTime()).isEqualTo(Instant.parse("2026-03-03T08:15:03.201Z"));
                    assertThat(e.getAccount()).isEqualTo(DbEventFactory.UNKNOWN_ACCOUNT); // '%m [%p] ' names no user
                });
        assertThat(events)
                .filteredOn(e -> "31057".equals(e.getSessionId()))
                .extracting(DbAccessEvent::getOperation)
                .containsExactly(Operation.DML, Operation.SELECT);
    }

    @Test
    void pgauditUserAtDbPrefixGivesAccountAndDatabase() {
        List<DbAccessEvent> events = events("pgaudit/debian-prefix-user-db.log", DbAccessEvent.class);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).getAccount()).isEqualTo("report_ro");
        assertThat(events.get(0).getDatabase()).isEqualTo("coop");
        assertThat(events.get(0).getTables()).containsExactly("coop.member_cards");
        assertThat(events.get(1).getAccount()).isEqualTo("coop_app");
        assertThat(events.get(1).getOperation()).isEqualTo(Operation.DML);
    }

    @Test
    void pgauditRdsPrefixGivesClientFromRemoteWithPort() {
        List<DbAccessEvent> events = events("pgaudit/rds-prefix.log", DbAccessEvent.class);
        assertThat(events).hasSize(3);
        DbAccessEvent e = events.get(0);
        assertThat(e.getAccount()).isEqualTo("report_ro");
        assertThat(e.getDatabase()).isEqualTo("coop");
        assertThat(e.getClientIp()).isEqualTo("10.20.7.44");
        assertThat(e.getSessionId()).isEqualTo("18842");
        assertThat(e.getTables()).containsExactly("coop.orders");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2026-03-04T14:30:07Z"));
        assertThat(events.get(2).getAccount()).isEqualTo("rdsadmin");
        assertThat(events.get(2).getClientIp()).isNull(); // '[local]'
    }

    @Test
    void pgauditLogRowsCountsRowsOnceForSessionAndObjectLines() {
        List<DbAccessEvent> events = events("pgaudit/log-rows.log", DbAccessEvent.class);
        assertThat(events).hasSize(4);
        assertThat(events)
                .filteredOn(e -> e.getTables().contains("coop.member_cards"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getRowsReturned()).isEqualTo(184220);
                    assertThat(e.getAccount()).isEqualTo("svc_export");
                    assertThat(e.getClientIp()).isEqualTo("10.20.7.51");
                });
        assertThat(events)
                .filteredOn(e -> e.getOperation() == Operation.COPY_OUT)
                .singleElement()
                .satisfies(e -> assertThat(e.getRowsReturned()).isEqualTo(96311));
        assertThat(events.get(3).getRowsReturned()).isEqualTo(37); // rows a DELETE affected
    }

    @Test
    void syslogWrappedPgauditGivesUserDatabaseClientAndTime() {
        List<DbAccessEvent> ibm = events("postgres-syslog/ibm-cloud-envelope.log", DbAccessEvent.class);
        assertThat(ibm).hasSize(2); // the torn record is the one reject
        assertThat(ibm).allSatisfy(e -> {
            assertThat(e.getAccount()).isEqualTo("coop_admin");
            assertThat(e.getDatabase()).isEqualTo("coop");
            assertThat(e.getClientIp()).isEqualTo("10.20.9.3");
            assertThat(e.getSessionId()).isEqualTo("61233");
        });
        assertThat(ibm.get(0).getTables()).containsExactly("coop.members");
        // The container runtime's stamp comes first in the message and is the finer one.
        assertThat(ibm.get(0).getEventTime()).isEqualTo(Instant.parse("2026-03-06T02:11:39.551Z"));
        assertThat(ibm.get(1).getOperation()).isEqualTo(Operation.DDL);

        List<DbAccessEvent> rsyslog = events("postgres-syslog/rsyslog-local0.log", DbAccessEvent.class);
        assertThat(rsyslog).extracting(DbAccessEvent::getSessionId).containsExactly("70112", "70120");
        assertThat(rsyslog.get(1).getAccount()).isEqualTo("report_ro");
        assertThat(rsyslog.get(1).getClientIp()).isEqualTo("10.20.7.44");
        assertThat(rsyslog.get(1).getTables()).containsExactly("coop.members");
        assertThat(rsyslog.get(1).getEventTime()).isEqualTo(Instant.parse("2026-03-06T03:00:02.871Z"));
    }

    @Test
    void auroraDasGivesRowCountUserClientAndSkipsHeartbeats() {
        List<DbAccessEvent> pg = events("aurora-das/postgres-pretty.json", DbAccessEvent.class);
        assertThat(pg).hasSize(2); // the heartbeat is skipped
        DbAccessEvent read = pg.get(0);
        assertThat(read.getAccount()).isEqualTo("report_ro");
        assertThat(read.getClientIp()).isEqualTo("10.20.7.44");
        assertThat(read.getDatabase()).isEqualTo("coop");
        assertThat(read.getTables()).containsExactly("coop.member_cards");
        assertThat(read.getRowsReturned()).isEqualTo(5012);
        assertThat(read.getSessionId()).isEqualTo("69ab7c10.5e21");
        assertThat(read.getEventTime()).isEqualTo(Instant.parse("2026-03-07T01:15:22.418Z"));
        assertThat(pg.get(1).getStatementFingerprint()).isNull(); // CONNECT has no commandText

        List<DbAccessEvent> my = events("aurora-das/mysql-one-per-line.json", DbAccessEvent.class);
        assertThat(my).extracting(DbAccessEvent::getRowsReturned).containsExactly(12L, 96311L);
        assertThat(my.get(0).getTables()).containsExactly("coop.orders"); // unqualified, in databaseName coop
        assertThat(my.get(1).getAccount()).isEqualTo("svc_export");
        assertThat(my.get(1).getClientIp()).isEqualTo("10.20.7.51");
    }

    @Test
    void mysqlEnterpriseAuditGivesTableAccessOnlyInBothLayouts() {
        List<DbAccessEvent> lines = events("mysql-audit/enterprise-audit-lines.json", DbAccessEvent.class);
        assertThat(lines).hasSize(2); // connection and general records skipped; the torn record rejected
        assertThat(lines.get(0).getAccount()).isEqualTo("report_ro");
        assertThat(lines.get(0).getClientIp()).isEqualTo("10.20.7.44");
        assertThat(lines.get(0).getTables()).containsExactly("coop.member_cards");
        assertThat(lines.get(0).getSessionId()).isEqualTo("88");
        assertThat(lines.get(1).getOperation()).isEqualTo(Operation.DML);
        assertThat(lines.get(1).getClientHost()).isEqualTo("app-01.coop.internal");

        List<DbAccessEvent> array = events("mysql-audit/enterprise-audit-array.json", DbAccessEvent.class);
        assertThat(array).hasSize(2); // the startup and general records are skipped
        assertThat(array).allSatisfy(e -> {
            assertThat(e.getAccount()).isEqualTo("svc_export");
            assertThat(e.getClientIp()).isEqualTo("10.20.7.51");
            assertThat(e.getDatabase()).isEqualTo("coop");
            assertThat(e.getRowsReturned()).isZero(); // the format has no row counts
        });
        assertThat(array.get(0).getTables()).contains("coop.members");
        assertThat(array.get(1).getTables()).contains("coop.orders");
    }

    @Test
    void zeekTsvAndJsonGiveOriginatorBytesOut() {
        List<EgressEvent> tsv = events("zeek/conn.log", EgressEvent.class);
        assertThat(tsv).hasSize(4);
        EgressEvent upload = tsv.get(0);
        assertThat(upload.getSrcIp()).isEqualTo("10.20.7.44");
        assertThat(upload.getDstIp()).isEqualTo("203.0.113.80");
        assertThat(upload.getDstPort()).isEqualTo(443);
        assertThat(upload.getBytesOut()).isEqualTo(48_213_377L);
        assertThat(upload.getBytesIn()).isEqualTo(61220);
        assertThat(upload.getProtocol()).isEqualTo("ssl");
        assertThat(upload.getEventTime()).isEqualTo(Instant.parse("2026-03-08T00:12:03.104Z"));
        EgressEvent unanswered = tsv.get(2); // S0: service and byte counts unset ('-')
        assertThat(unanswered.getProtocol()).isEqualTo("tcp");
        assertThat(unanswered.getBytesOut()).isZero();

        List<EgressEvent> json = events("zeek/conn-json.log", EgressEvent.class);
        assertThat(json).hasSize(3);
        assertThat(json.get(0).getBytesOut()).isEqualTo(22_041_880L);
        assertThat(json.get(0).getDstIp()).isEqualTo("203.0.113.80");
        assertThat(json.get(2).getProtocol()).isEqualTo("tcp"); // 'http,ssl' names no one service

        List<EgressEvent> iso = events("zeek/conn-json-underscore-iso.log", EgressEvent.class);
        assertThat(iso.get(0).getSrcIp()).isEqualTo("10.20.9.3");
        assertThat(iso.get(0).getDstIp()).isEqualTo("203.0.113.200");
        assertThat(iso.get(0).getBytesOut()).isEqualTo(9_120_311L);
        assertThat(iso.get(0).getEventTime()).isEqualTo(Instant.parse("2026-03-09T02:15:44.120Z"));
    }

    @Test
    void vpcFlowDefaultAndCustomLayoutsSkipRejectAndNoData() {
        LogSamples.Parsed v2 = parsed.get("vpc-flow/v2-default-cloudwatch.log");
        List<EgressEvent> flows = v2.events(EgressEvent.class);
        assertThat(flows).hasSize(3); // 5 records: REJECT and NODATA skipped
        assertThat(v2.results())
                .filteredOn(r -> r instanceof ParseResult.Skipped s && s.what().contains("REJECT"))
                .hasSize(1);
        assertThat(flows).noneMatch(e -> e.getSrcIp().equals("198.51.100.66"));
        EgressEvent out = flows.get(0);
        assertThat(out.getSrcIp()).isEqualTo("10.20.7.44");
        assertThat(out.getDstIp()).isEqualTo("203.0.113.80");
        assertThat(out.getDstPort()).isEqualTo(443);
        assertThat(out.getProtocol()).isEqualTo("tcp");
        assertThat(out.getBytesOut()).isEqualTo(49_538_217L);
        assertThat(out.getBytesIn()).isZero();
        assertThat(out.getEventTime()).isEqualTo(Instant.parse("2026-03-08T00:12:00Z"));

        LogSamples.Parsed custom = parsed.get("vpc-flow/custom-v5-s3-header.log");
        List<EgressEvent> nat = custom.events(EgressEvent.class);
        assertThat(nat).hasSize(3); // the REJECT record is skipped
        assertThat(custom.results())
                .filteredOn(r -> r instanceof ParseResult.Skipped s && s.what().contains("REJECT"))
                .hasSize(1);
        // Behind the NAT gateway pkt-srcaddr/pkt-dstaddr name the real endpoints, whatever the column order.
        assertThat(nat.get(0).getSrcIp()).isEqualTo("10.20.7.51");
        assertThat(nat.get(0).getDstIp()).isEqualTo("203.0.113.150");
        assertThat(nat.get(0).getBytesOut()).isEqualTo(11_204_388L);
        assertThat(nat.get(1).getSrcIp()).isEqualTo("10.20.7.51"); // the NAT ENI's record, srcaddr 10.20.0.220
        assertThat(nat.get(2).getProtocol()).isEqualTo("udp");
    }
}
