package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.incident.EcsAlert;
import org.exfilguard.ingest.LogFormat;
import org.exfilguard.ingest.ParseResult;
import org.exfilguard.ingest.ParserOptions;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.suppress.AllowListSource;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SuppressionAndLeakageTest {

    static final Instant DAY0 = DetectorTopologyTest.DAY0;

    @Test
    void nightlyBackupOnTheAllowListProducesSuppressedRecordsOnlyAndCountsThem(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("allowlist.yaml");
        Files.writeString(rules, """
                rules:
                  - id: nightly-member-backup
                    account: backup_svc
                    table: coop.members
                    window: {days: MON-SUN, from: "01:30", to: "04:00"}
                    reason: nightly full backup of the member table
                    owner: dba-team@example.com
                """);
        try (DetectorDriver driver = DetectorDriver.builder()
                .withAllowList(AllowListSource.watch(rules, Duration.ofSeconds(1)))
                .build()) {
            for (int night = 0; night < 3; night++) {
                Instant start = DAY0.plus(Duration.ofDays(night)).plus(Duration.ofHours(2));
                for (int i = 0; i < 20; i++) {
                    driver.pipe(TestEvents.dbRead()
                            .account("backup_svc")
                            .clientIp("10.9.0.5")
                            .rows(100_000)
                            .at(start.plus(Duration.ofMinutes(2L * i)))
                            .build());
                }
            }
            List<ExfiltrationAlert> alerts = driver.alerts();
            List<ExfiltrationAlert> members = alerts.stream()
                    .filter(a -> a.getTable().equals("coop.members"))
                    .toList();
            assertThat(members).isNotEmpty().allSatisfy(a -> {
                assertThat(a.getSuppressed()).isTrue();
                assertThat(a.getSuppressionReason())
                        .contains("nightly-member-backup")
                        .contains("dba-team@example.com");
            });
            assertThat(driver.metrics().count("exfil.suppressions", "kind", "allow_list"))
                    .isEqualTo(members.size());
            assertThat(driver.alertsJson())
                    .hasSize(alerts.size())
                    .allSatisfy(json -> assertThat(json).contains("\"class_uid\":2004"));
            // In ECS a suppressed record is an event of the incident, tagged, never another alert.
            assertThat(driver.alertsEcs())
                    .hasSize(alerts.size())
                    .allSatisfy(json -> assertThat(json)
                            .contains("\"kind\":\"event\"")
                            .contains(EcsAlert.SUPPRESSED_TAG)
                            .doesNotContain("risk_score"));
        }
    }

    @Test
    void aQueryLiteralNeverReachesAlertsLogsOrState() {
        String email = "victim.person@example.org";
        String card = "4111111111111111";
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try (DetectorDriver driver = DetectorDriver.withDefaults()) {
            driver.pipe(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 10, 5));
            // Real slow-log entries whose statements carry member data as literals.
            List<DbAccessEvent> dump = new ArrayList<>();
            var parser = LogFormat.MYSQL_SLOW.newParser("planted.log", ParserOptions.defaults());
            for (int i = 0; i < 30; i++) {
                Instant at = DAY0.plus(Duration.ofDays(10))
                        .plus(Duration.ofHours(15))
                        .plusSeconds(20L * i);
                String entry = "# Time: " + at + "\n"
                        + "# User@Host: jdoe[jdoe] @ ws21 [10.8.4.21]  Id: 77\n"
                        + "# Query_time: 1.2  Lock_time: 0.0 Rows_sent: 40000  Rows_examined: 40000\n"
                        + "use coop;\nSET timestamp=" + at.getEpochSecond() + ";\n"
                        + "SELECT * FROM members WHERE email = '" + email + "' OR card_number = " + card + " OR id > "
                        + i + ";\n";
                for (ParseResult result : parser.parseRecord(entry)) {
                    if (result instanceof ParseResult.Event event) {
                        dump.add((DbAccessEvent) event.record());
                    }
                }
            }
            assertThat(dump).hasSize(30);
            driver.pipe(dump);

            List<ExfiltrationAlert> alerts = driver.alerts();
            assertThat(alerts).extracting(ExfiltrationAlert::getStatus).contains(AlertStatus.OPENED);
            assertThat(alerts)
                    .flatExtracting(ExfiltrationAlert::getStatementFingerprints)
                    .isNotEmpty();
            String avro =
                    String.join("\n", alerts.stream().map(JsonRecords::toJson).toList());
            String ocsf = String.join("\n", driver.alertsJson());
            String ecs = String.join("\n", driver.alertsEcs());
            String state = driver.stateDump();
            String logged = String.join(
                    "\n",
                    logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
            for (String literal : List.of(email, card, "victim.person")) {
                assertThat(avro).as("alerts").doesNotContain(literal);
                assertThat(ocsf).as("OCSF alerts").doesNotContain(literal);
                assertThat(ecs).as("ECS alerts").doesNotContain(literal);
                assertThat(state).as("state stores").doesNotContain(literal);
                assertThat(logged).as("log lines").doesNotContain(literal);
            }
        } finally {
            root.detachAppender(logs);
        }
    }
}
