package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.Operation;
import org.junit.jupiter.api.Test;

/**
 * Every real sample parses, with its format detected, and the only rejects are the entries that are malformed in the
 * files themselves, listed here one by one so that a regression shows. Skipped without ../shared; the same checks
 * run always over the repository's own fixtures in {@link RepositoryFixturesTest}.
 */
class SampleFilesTest {

    private static final List<LogSamples.Expected> MALFORMED_IN_FILE = List.of(
            new LogSamples.Expected("mysql-slow/slow015.txt", 2, "malformed User@Host"), // '# User@Host: truncated'
            new LogSamples.Expected(
                    "mysql-slow/slow017.txt", 2, "malformed Query_time"), // 18446744073708.796870.000036
            new LogSamples.Expected("mysql-slow/slow022.txt", 1, "malformed # Time"), // '# Time: margdl 11:48:27'
            new LogSamples.Expected("mysql-slow/slow022.txt", 8, "malformed # Time"),
            new LogSamples.Expected("mysql-slow/slow022.txt", 15, "malformed # Time"),
            new LogSamples.Expected("mysql-slow/slow022.txt", 23, "malformed # Time"),
            new LogSamples.Expected("mysql-slow/slow022.txt", 30, "malformed # Time"),
            new LogSamples.Expected("mysql-slow/slow022.txt", 38, "malformed # Time"),
            new LogSamples.Expected("mysql-slow/slow041.txt", 1, "truncated entry"), // admin command without header
            // The syslog message ends inside a quoted STATEMENT: the record was cut by the shipper.
            new LogSamples.Expected("postgres-syslog/ibmcloud-pgaudit.txt", 1, "unterminated quoted field"),
            new LogSamples.Expected("postgres-syslog/ibmcloud-pgaudit.txt", 4, "unterminated quoted field"));

    /** Files that hold no entry at all: Cloud SQL's dump has only autovacuum and connection messages. */
    private static final Set<String> NO_ENTRIES = Set.of("postgres-syslog/gcp-cloudsql-pgaudit-rubydebug.log");

    @Test
    void everySampleParsesAndOnlyMalformedEntriesAreRejected() throws IOException {
        Map<String, LogSamples.Parsed> parsed =
                LogSamples.checkDirectory(SharedSamples.dir(), Map.of(), MALFORMED_IN_FILE, NO_ENTRIES);
        assertThat(parsed).as("sample files parsed").hasSizeGreaterThan(80);
    }

    @Test
    void slowLogSampleGivesUserHostDatabaseAndTables() {
        LogSamples.Parsed p = LogSamples.parse(SharedSamples.file("mysql-slow/mysql5.7.log"));
        DbAccessEvent e = p.events(DbAccessEvent.class).get(0);
        assertThat(e.getAccount()).isEqualTo("root");
        assertThat(e.getClientIp()).isEqualTo("127.0.0.1");
        assertThat(e.getClientHost()).isEqualTo("localhost");
        assertThat(e.getSessionId()).isEqualTo("3");
        assertThat(e.getTables()).containsExactly("db_facturacion.facturas");
        assertThat(e.getOperation()).isEqualTo(Operation.SELECT);
        assertThat(e.getRowsReturned()).isEqualTo(1000);
        assertThat(e.getRowsExamined()).isEqualTo(2000);
        assertThat(e.getEventTime()).hasToString("2016-07-20T18:13:25Z"); // SET timestamp=1469038405 wins
        assertThat(e.getStatementFingerprint()).isEqualTo("select * from db_facturacion.facturas limit ?");
    }

    @Test
    void percona060GivesBytesSent() {
        DbAccessEvent e = LogSamples.parse(SharedSamples.file("mysql-slow/slow060.txt"))
                .events(DbAccessEvent.class)
                .get(0);
        assertThat(e.getBytesReturned()).isEqualTo(64);
        assertThat(e.getRowsReturned()).isEqualTo(1);
    }

    @Test
    void gzippedSlowLogIsReadTransparently() {
        LogSamples.Parsed p = LogSamples.parse(SharedSamples.file("mysql-slow/slow039.txt.gz"));
        assertThat(p.rejects()).isEmpty();
        assertThat(p.stats().events()).isEqualTo(1);
    }

    @Test
    void pgauditRegressionOutputCountsRowsOnceForSessionAndObjectLines() {
        LogSamples.Parsed p = LogSamples.parse(SharedSamples.file("pgaudit/pgaudit-regression-expected.out"));
        List<DbAccessEvent> events = p.events(DbAccessEvent.class);
        assertThat(events).isNotEmpty();
        // 'SELECT * FROM test3, test2' logged as SESSION then OBJECT (test2): one event with both tables.
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getStatementFingerprint()).isEqualTo("select * from test3, test2");
            assertThat(e.getTables()).containsExactlyInAnyOrder("public.test3", "public.test2");
        });
        assertThat(events).allSatisfy(e -> assertThat(e.getSourceFormat()).isEqualTo("pgaudit"));
        assertThat(events.stream().mapToLong(DbAccessEvent::getRowsReturned).sum())
                .isPositive();
    }

    @Test
    void ibmCloudSyslogGivesUserDatabaseClientAndTime() {
        List<DbAccessEvent> events = LogSamples.parse(SharedSamples.file("postgres-syslog/ibmcloud-pgaudit.txt"))
                .events(DbAccessEvent.class);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getAccount()).isEqualTo("admin");
            assertThat(e.getDatabase()).isEqualTo("ibmclouddb");
            assertThat(e.getClientIp()).isEqualTo("10.163.20.125");
            assertThat(e.getEventTime()).isAfter(java.time.Instant.parse("2022-01-01T00:00:00Z"));
            assertThat(e.getOperation()).isEqualTo(Operation.DDL);
        });
    }

    @Test
    void auroraDasGivesRowCountUserAndStatementTables() {
        List<DbAccessEvent> events = new ArrayList<>();
        for (Path f : SharedSamples.files("aurora-das")) {
            events.addAll(LogSamples.parse(f).events(DbAccessEvent.class));
        }
        assertThat(events).hasSize(9);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getRowsReturned()).isEqualTo(10);
            assertThat(e.getOperation()).isEqualTo(Operation.SELECT);
            assertThat(e.getTables()).isNotEmpty();
        });
        assertThat(events).anySatisfy(e -> assertThat(e.getTables()).containsExactly("testdb.dbo.testtable"));
    }

    @Test
    void mysqlEnterpriseAuditTableAccessGivesQualifiedTable() {
        List<DbAccessEvent> events = LogSamples.parse(SharedSamples.file("mysql-audit/mysql-guardium__audit_json.log"))
                .events(DbAccessEvent.class);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getTables()).containsExactly("guardium_qa.pet");
            assertThat(e.getAccount()).isEqualTo("guardium_qa");
            assertThat(e.getClientIp()).isEqualTo("192.0.2.1");
            assertThat(e.getStatementFingerprint()).isEqualTo("select * from pet limit ?");
            assertThat(e.getSourceFormat()).isEqualTo("mysql-audit");
        });
    }

    @Test
    void zeekJsonWithUnderscoreNamesGivesOriginatorBytesOut() {
        List<EgressEvent> events = LogSamples.parse(SharedSamples.file("zeek/apt29-day2-UTICA-C_conn.log"))
                .events(EgressEvent.class);
        EgressEvent first = events.get(0);
        assertThat(first.getSrcIp()).isEqualTo("10.0.1.5");
        assertThat(first.getDstIp()).isEqualTo("192.168.0.4");
        assertThat(first.getDstPort()).isEqualTo(443);
        assertThat(first.getBytesOut()).isEqualTo(656);
        assertThat(first.getBytesIn()).isEqualTo(268);
        assertThat(first.getProtocol()).isEqualTo("ssl");
        assertThat(first.getEventTime())
                .isEqualTo(java.time.Instant.parse("2020-05-01T07:21:25.417Z")); // timestamp-millis
    }

    @Test
    void vpcFlowCustomLayoutUsesHeaderAndPacketAddresses() {
        List<EgressEvent> events = LogSamples.parse(SharedSamples.file("vpc-flow/aws_vpcflow_custom-nat-gateway.log"))
                .events(EgressEvent.class);
        assertThat(events).extracting(EgressEvent::getDstIp).contains("203.0.113.5");
        List<EgressEvent> v2 = LogSamples.parse(SharedSamples.file("vpc-flow/aws_vpcflow_accept-reject-traffic.log"))
                .events(EgressEvent.class);
        assertThat(v2.get(0).getBytesOut()).isEqualTo(4249);
        assertThat(v2.get(0).getProtocol()).isEqualTo("tcp");
        assertThat(v2.get(0).getDstPort()).isEqualTo(22);
    }
}
