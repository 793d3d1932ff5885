package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.detect.Threshold;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Severity;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.exfilguard.testkit.TestFlows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Weak reads (issue 15 item 5): a read well above the account's norm for the hour but below every alert threshold,
 * followed within the horizon by egress to a destination new for the host, is a READ_THEN_EGRESS incident; the
 * read alone, the egress alone, and a read at the account's normal level followed by the same egress are not.
 */
class WeakReadEgressTest {

    static final Instant DAY0 = DetectorTopologyTest.DAY0;
    static final String HOST = "10.8.4.21";
    static final String DROP = "198.51.100.240";
    /** Monday of the third week, 14:00: an hour the analyst works in. */
    static final Instant START = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));

    private final DetectorDriver driver = DetectorDriver.withDefaults();

    @AfterEach
    void close() {
        driver.close();
    }

    /** Two weeks of the host's ordinary web traffic to a few known sites. */
    private void learnWebTraffic() {
        for (int d = 0; d < 14; d++) {
            for (int h = 9; h < 17; h++) {
                driver.pipeEgress(TestFlows.flow()
                        .from(HOST)
                        .to("93.184.216." + (h % 3))
                        .bytesOut(200_000)
                        .at(DAY0.plus(Duration.ofDays(d)).plus(Duration.ofHours(h)))
                        .build());
            }
        }
    }

    /** Working days of an account that reads about {@code rowsPerRead} rows twice an hour, 9:00 to 17:00. */
    private void learnReads(String account, long rowsPerRead) {
        List<DbAccessEvent> events = new ArrayList<>();
        java.util.Random random = new java.util.Random(5);
        for (int d = 0; d < 14; d++) {
            if (d % 7 >= 5) {
                continue;
            }
            Instant day = DAY0.plus(Duration.ofDays(d));
            for (int slot = 0; slot < 16; slot++) {
                Instant at = day.plus(Duration.ofHours(9)).plus(Duration.ofMinutes(30L * slot + random.nextInt(20)));
                long rows = Math.max(1, rowsPerRead - rowsPerRead / 10 + random.nextInt((int) (rowsPerRead / 5 + 1)));
                events.add(TestEvents.dbRead()
                        .account(account)
                        .clientIp(HOST)
                        .rows(rows)
                        .at(at)
                        .build());
            }
        }
        driver.pipe(events);
    }

    /** {@code reads} reads of {@code rows} rows each, a minute and a half apart, from the host. */
    private void read(String account, int reads, long rows) {
        for (int i = 0; i < reads; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account(account)
                    .clientIp(HOST)
                    .rows(rows)
                    .bytes(rows * 150)
                    .fingerprint("select * from coop.members where branch = ?")
                    .at(START.plusSeconds(90L * i))
                    .build());
        }
    }

    /** 75 MB in eight flows to a destination the host has never used, 40 minutes after the read began. */
    private void upload() {
        Instant upload = START.plus(Duration.ofMinutes(40));
        for (int i = 0; i < 8; i++) {
            driver.pipeEgress(TestFlows.flow()
                    .from(HOST)
                    .to(DROP)
                    .port(443)
                    .bytesOut(9_375_000)
                    .at(upload.plus(Duration.ofMinutes(2L * i)))
                    .build());
        }
    }

    /** {@code flows} flows of {@code bytesEach} to a destination the host has never used, 40 minutes after the read. */
    private void smallUpload(int flows, long bytesEach) {
        Instant upload = START.plus(Duration.ofMinutes(40));
        for (int i = 0; i < flows; i++) {
            driver.pipeEgress(TestFlows.flow()
                    .from(HOST)
                    .to(DROP)
                    .port(443)
                    .bytesOut(bytesEach)
                    .at(upload.plus(Duration.ofMinutes(2L * i)).plusSeconds(10))
                    .build());
        }
    }

    /** Time moves on past the horizon on both sides, and the input ends. */
    private void finish() {
        Instant later = START.plus(Duration.ofHours(5));
        driver.pipe(TestEvents.dbRead().account("other").rows(1).at(later).build());
        driver.pipeEgress(TestFlows.flow()
                .from("10.8.9.9")
                .to("93.184.216.1")
                .bytesOut(1_000)
                .at(later)
                .build());
        driver.endOfInput();
    }

    private List<ExfiltrationAlert> alertsOf(String account) {
        return driver.alerts().stream()
                .filter(a -> a.getAccount().equals(account))
                .toList();
    }

    private double suppressed(String kind) {
        return driver.metrics().count("exfil.suppressions", "kind", kind);
    }

    @Test
    void smallReadFarAboveTheAccountsNormThenUploadToANewDestinationIsAReadThenEgressIncident() {
        learnWebTraffic();
        learnReads("jdoe", 20);
        // 6,000 rows in 30 minutes: under every floor (10,000 rows an hour) and far above the analyst's ~40 an hour.
        read("jdoe", 20, 300);
        upload();
        finish();

        List<ExfiltrationAlert> jdoe = alertsOf("jdoe");
        assertThat(jdoe)
                .extracting(ExfiltrationAlert::getStatus)
                .containsExactly(AlertStatus.OPENED, AlertStatus.CLOSED);
        ExfiltrationAlert opened = jdoe.get(0);
        assertThat(opened.getKind()).isEqualTo(AlertKind.READ_THEN_EGRESS);
        assertThat(opened.getTable()).isEqualTo("coop.members");
        assertThat(opened.getObservedRows())
                .as("the read as last signalled: within a quarter of its 6,000 rows")
                .isBetween(4_800L, 6_000L);
        assertThat(opened.getBaselineMethod()).isEqualTo(Threshold.HOUR_NORM);
        assertThat(opened.getBaselineRows())
                .as("the account's norm for the hour")
                .isLessThan(100);
        assertThat(opened.getThresholdRows()).as("the weak-read level").isEqualTo(1_000);
        assertThat(opened.getEgress().getDestinations())
                .extracting(EgressDestination::getDstIp)
                .containsExactly(DROP);
        assertThat(opened.getEgress().getBytesOut())
                .as("opened at the first flow: 9.4 MB is above weak.read.egress.min.bytes")
                .isEqualTo(9_375_000L);
        assertThat(opened.getSeverity().ordinal()).isGreaterThanOrEqualTo(Severity.HIGH.ordinal());
        // sqrt(rows / 1,000 x bytes at the escalation / 1 MB): both halves count.
        double expected = Math.sqrt(
                opened.getObservedRows() / 1_000.0 * opened.getEgress().getBytesOut() / 1_000_000.0);
        assertThat(opened.getScore()).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.01));
        assertThat(opened.getReason())
                .contains("rows of coop.members")
                .contains("below the alert threshold of 10,000")
                .contains("left " + HOST)
                .contains(DROP);
        assertThat(opened.getMitreTechniques()).contains("T1213", "T1567");
        assertThat(opened.getTotals().getRows()).isEqualTo(opened.getObservedRows());

        ExfiltrationAlert closed = jdoe.get(1);
        assertThat(closed.getIncidentId()).isEqualTo(opened.getIncidentId());
        assertThat(closed.getKind()).isEqualTo(AlertKind.READ_THEN_EGRESS);
        assertThat(closed.getTotals().getEgressBytesOut()).isEqualTo(75_000_000L);
        assertThat(closed.getTotals().getEgressDestinations()).containsExactly(DROP);
        assertThat(suppressed("weak_read_watched")).isEqualTo(1);
    }

    @Test
    void smallReadThenAnUploadOfAFewMegabytesIsAnIncidentFromItsFirstMegabyte() {
        learnWebTraffic();
        learnReads("jdoe", 20);
        read("jdoe", 20, 300);
        // 3 MB in three flows: about what 6,000 member rows make as a file, far under the bulk reads' 10 MB.
        smallUpload(3, 1_000_000);
        finish();

        List<ExfiltrationAlert> jdoe = alertsOf("jdoe");
        assertThat(jdoe)
                .extracting(ExfiltrationAlert::getStatus)
                .containsExactly(AlertStatus.OPENED, AlertStatus.CLOSED);
        ExfiltrationAlert opened = jdoe.get(0);
        assertThat(opened.getKind()).isEqualTo(AlertKind.READ_THEN_EGRESS);
        assertThat(opened.getDetectedAt())
                .as("the minute boundary after the first megabyte left, not the end of the upload")
                .isEqualTo(START.plus(Duration.ofMinutes(41)));
        assertThat(opened.getEgress().getBytesOut()).isEqualTo(1_000_000L);
        assertThat(opened.getEgress().getDestinations())
                .extracting(EgressDestination::getDstIp)
                .containsExactly(DROP);
        assertThat(jdoe.get(1).getTotals().getEgressBytesOut()).isEqualTo(3_000_000L);
    }

    @Test
    void smallReadThenAnEverydaySmallUploadIsNotAnAlert() {
        learnWebTraffic();
        learnReads("jdoe", 20);
        read("jdoe", 20, 300);
        // 600 KB to a new site (a form, a chat image): under weak.read.egress.min.bytes.
        smallUpload(3, 200_000);
        finish();

        assertThat(alertsOf("jdoe")).isEmpty();
        assertThat(suppressed("weak_read_watched")).isEqualTo(1);
        assertThat(suppressed("weak_read_without_egress")).isEqualTo(1);
    }

    @Test
    void smallReadAloneIsNotAnAlert() {
        learnWebTraffic();
        learnReads("jdoe", 20);
        read("jdoe", 20, 300);
        finish();

        assertThat(alertsOf("jdoe")).isEmpty();
        assertThat(suppressed("weak_read_watched")).isEqualTo(1);
        assertThat(suppressed("weak_read_without_egress"))
                .as("watched, then forgotten")
                .isEqualTo(1);
    }

    @Test
    void uploadAloneIsCountedNotAlerted() {
        learnWebTraffic();
        learnReads("jdoe", 20);
        upload();
        finish();

        assertThat(alertsOf("jdoe")).isEmpty();
        assertThat(driver.alerts()).isEmpty();
        assertThat(suppressed("weak_read_watched")).isZero();
    }

    @Test
    void readAtTheAccountsNormalLevelThenUploadIsNotAnAlert() {
        learnWebTraffic();
        // An account that reads ~3,000 rows an hour every working day: 6,000 in its busiest hour is its normal.
        learnReads("etl", 1_500);
        read("etl", 4, 1_500);
        upload();
        finish();

        assertThat(alertsOf("etl")).isEmpty();
        assertThat(suppressed("weak_read_watched")).isZero();
    }

    @Test
    void aReadBelowTheAbsoluteFloorIsNotWeakHoweverQuietTheAccount() {
        learnWebTraffic();
        learnReads("jdoe", 20);
        // 600 rows: 15x the analyst's norm, but under the 1,000-row noise guard.
        read("jdoe", 4, 150);
        upload();
        finish();

        assertThat(alertsOf("jdoe")).isEmpty();
        assertThat(suppressed("weak_read_watched")).isZero();
    }
}
