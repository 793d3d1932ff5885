package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.detect.SharedPeerDays.Contribution;
import org.exfilguard.detect.Threshold;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.state.ReadSignal;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.Test;

/**
 * The peer baselines cover every read partition (issue 15 item 7): a new account is judged against the same peers,
 * with the same verdict, whether its peers' reads were on its own read task or on another.
 */
class SharedPeersTopologyTest {

    static final Instant DAY0 = DetectorTopologyTest.DAY0;

    /** Accounts of read partition 0 in the two-partition run: index 0..2; the others are on partition 1. */
    private static boolean onPartition0(String account) {
        return account.charAt(account.length() - 1) < '3';
    }

    /** Three days of six service accounts reading 40,000 rows an hour and six BI analysts reading 200 to 1,200 rows
     * (so the peers of one task alone have another percentile than all of them). */
    private static void learn(DetectorDriver driver, Predicate<String> accounts) {
        for (int d = 0; d < 3; d++) {
            Instant day = DAY0.plus(Duration.ofDays(d)).plus(Duration.ofHours(10));
            for (int a = 0; a < 6; a++) {
                for (int i = 0; i < 8; i++) {
                    if (accounts.test("svc_batch" + a)) {
                        driver.pipe(TestEvents.dbRead()
                                .account("svc_batch" + a)
                                .clientIp("10.10.1." + a)
                                .rows(5_000)
                                .at(day.plus(Duration.ofMinutes(7L * i + a)))
                                .build());
                    }
                }
                if (accounts.test("bi_analyst" + a)) {
                    driver.pipe(TestEvents.dbRead()
                            .account("bi_analyst" + a)
                            .clientIp("10.20.1." + a)
                            .rows(200L * (a + 1))
                            .at(day.plus(Duration.ofMinutes(30 + a)))
                            .build());
                }
            }
        }
    }

    /** A new BI account's first day (day 3): 30,000 rows in 35 minutes. */
    private static void firstDay(DetectorDriver driver) {
        Instant start = DAY0.plus(Duration.ofDays(3)).plus(Duration.ofHours(14));
        for (int i = 0; i < 6; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account("bi_new")
                    .clientIp("10.30.1.1")
                    .rows(5_000)
                    .at(start.plus(Duration.ofMinutes(7L * i)))
                    .build());
        }
    }

    private static List<String> verdicts(List<ExfiltrationAlert> alerts) {
        return alerts.stream()
                .filter(a -> a.getAccount().equals("bi_new"))
                .map(a -> a.getIncidentId() + " " + a.getStatus() + " " + a.getBaselineMethod() + " baseline="
                        + a.getBaselineRows() + " threshold=" + a.getThresholdRows() + " observed="
                        + a.getObservedRows() + " at=" + a.getDetectedAt())
                .toList();
    }

    private static DetectorDriver.Builder setup(String groups) {
        return DetectorDriver.builder().withConfig(ExfilguardConfig.PEER_GROUPS, groups);
    }

    /** The new account's alerts when every account is on one read task. */
    private static List<String> onePartition(String groups) {
        try (DetectorDriver driver = setup(groups).build()) {
            learn(driver, a -> true);
            firstDay(driver);
            return verdicts(driver.alerts());
        }
    }

    /**
     * The new account's alerts when half its peers are on another read task (partition 1), whose peer days the test
     * takes from a task that read just those peers. Checks that the new account's reads wait for partition 1.
     */
    private static List<String> twoPartitions(String groups) {
        List<byte[]> partition1;
        try (DetectorDriver other = setup(groups).build()) {
            learn(other, a -> !onPartition0(a));
            other.endOfInput();
            partition1 = other.peerDays();
        }
        assertThat(partition1)
                .as("the other task's days, the last one ending its input")
                .hasSizeGreaterThan(1);
        try (DetectorDriver driver = setup(groups).withReadPartitions(2).build()) {
            learn(driver, SharedPeersTopologyTest::onPartition0);
            firstDay(driver);
            assertThat(verdicts(driver.alerts()))
                    .as("the new account's reads wait until partition 1 has left the days before theirs")
                    .isEmpty();
            for (byte[] bytes : partition1) {
                Contribution c = Contribution.decode(bytes);
                Contribution relabelled = new Contribution(1, c.day(), new HashMap<>(c.peaks()), c.through());
                driver.pipePeerDay(relabelled.recordKey(), relabelled.encode());
            }
            return verdicts(driver.alerts());
        }
    }

    /** Every peer day {@code from} has sent since the last call, relabelled as partition 1's, piped into {@code to}. */
    private static int relay(DetectorDriver from, DetectorDriver to) {
        List<byte[]> days = from.peerDays();
        for (byte[] bytes : days) {
            Contribution c = Contribution.decode(bytes);
            Contribution relabelled = new Contribution(1, c.day(), new HashMap<>(c.peaks()), c.through());
            to.pipePeerDay(relabelled.recordKey(), relabelled.encode());
        }
        return days.size();
    }

    /**
     * Two read tasks that pass each other their peer days: one whose reads end on day 2 (its peers' last reads), one
     * that reads on and sees the new account on day 3. Returns them after the days so far have been exchanged.
     */
    private static DetectorDriver[] quietAndBusy(String groups) {
        DetectorDriver quiet = setup(groups).withReadPartitions(2).build();
        DetectorDriver busy = setup(groups).withReadPartitions(2).build();
        learn(quiet, SharedPeersTopologyTest::onPartition0);
        learn(busy, a -> !onPartition0(a));
        firstDay(busy);
        // Each task's reads of a day wait for the other's previous day: the days go back and forth until both wait.
        while (relay(busy, quiet) + relay(quiet, busy) > 0) {
            // another round
        }
        assertThat(verdicts(busy.alerts()))
                .as("the new account's reads wait: the quiet task has not left day 2")
                .isEmpty();
        return new DetectorDriver[] {quiet, busy};
    }

    @Test
    void aQuietReadTaskFollowsTheOthersDaySoANewAccountElsewhereIsJudged() {
        List<String> one = onePartition(PeerGroupsTopologyTest.ROLES);
        assertThat(one).as("30,000 rows is far above the BI peers").isNotEmpty();
        DetectorDriver[] tasks = quietAndBusy(PeerGroupsTopologyTest.ROLES);
        try (DetectorDriver quiet = tasks[0];
                DetectorDriver busy = tasks[1]) {
            int ticks = Correlation.DEFAULT_FOLLOW_MS / Correlation.DEFAULT_WATERMARK_INTERVAL_MS;
            quietFor(quiet, ticks - 2);
            assertThat(relay(quiet, busy))
                    .as("a task that read a moment ago does not follow yet")
                    .isZero();
            assertThat(verdicts(busy.alerts())).isEmpty();
            quietFor(quiet, 2);
            assertThat(relay(quiet, busy))
                    .as("once quiet, the task declares its day 2 over (the other task is on day 3)")
                    .isEqualTo(1);
            assertThat(verdicts(busy.alerts()))
                    .as("judged against the peers of both tasks, as with one task")
                    .isEqualTo(one);
            quietFor(quiet, ticks);
            assertThat(relay(quiet, busy)).as("no day is declared twice").isZero();
        }
    }

    /** Wall time moves on by {@code ticks} watermark intervals, one at a time, without input. */
    private static void quietFor(DetectorDriver driver, int ticks) {
        for (int i = 0; i < ticks; i++) {
            driver.advanceWallClock(Duration.ofMillis(Correlation.DEFAULT_WATERMARK_INTERVAL_MS));
        }
    }

    @Test
    void aTaskWhoseThreadWasBusyDoesNotFollowOnOneLateTick() {
        DetectorDriver[] tasks = quietAndBusy(PeerGroupsTopologyTest.ROLES);
        try (DetectorDriver quiet = tasks[0];
                DetectorDriver busy = tasks[1]) {
            // One tick after 10 s: the thread was busy elsewhere, its reads may be fetched and waiting.
            quiet.advanceWallClock(Duration.ofSeconds(10));
            quietFor(quiet, 2);
            assertThat(relay(quiet, busy)).isZero();
            assertThat(verdicts(busy.alerts())).isEmpty();
            quietFor(quiet, Correlation.DEFAULT_FOLLOW_MS / Correlation.DEFAULT_WATERMARK_INTERVAL_MS);
            assertThat(relay(quiet, busy)).isEqualTo(1);
            assertThat(verdicts(busy.alerts())).isNotEmpty();
        }
    }

    @Test
    void aTaskWhoseReadsEndedEarlyLetsTheOthersJudgeAtEndOfInput() {
        List<String> one = onePartition(PeerGroupsTopologyTest.ROLES);
        DetectorDriver[] tasks = quietAndBusy(PeerGroupsTopologyTest.ROLES);
        try (DetectorDriver quiet = tasks[0];
                DetectorDriver busy = tasks[1]) {
            quiet.endOfInput();
            relay(quiet, busy);
            assertThat(verdicts(busy.alerts())).isEqualTo(one);
        }
    }

    @Test
    void aNewAccountGetsTheSameVerdictWithItsPeersOnOneOrTwoReadTasks() {
        List<String> one = onePartition(PeerGroupsTopologyTest.ROLES);
        assertThat(one).as("30,000 rows is far above the BI peers").isNotEmpty();
        assertThat(twoPartitions(PeerGroupsTopologyTest.ROLES)).isEqualTo(one);
    }

    @Test
    void withoutGroupsThePopulationOfBothTasksJudgesAlike() {
        List<String> one = onePartition("");
        assertThat(one)
                .as("against the mixed population (half service accounts) 30,000 rows is not unusual")
                .isEmpty();
        assertThat(twoPartitions("")).isEqualTo(one);
    }

    /** Four analysts with ten working days of their own history (days 0 to 13), in time order. */
    private static List<DbAccessEvent> analysts() {
        List<DbAccessEvent> events = new ArrayList<>();
        String[] names = {"jdoe", "asmith", "bkim", "cwu"};
        for (int a = 0; a < names.length; a++) {
            events.addAll(DetectorTopologyTest.analystDays(names[a], "10.8.4." + (21 + a), 14, 11 + a));
        }
        events.sort(Comparator.comparing(DbAccessEvent::getEventTime));
        return events;
    }

    /**
     * Day 16: a new account (bi_new) reads 6 x 5,000 rows from 14:00 to 14:35 while jdoe, established, dumps 40 x
     * 25,000 rows from 14:10; asmith reads on every 10 minutes until 18:00, so the task's clock passes the minute
     * bi_new's incident is due to close (120 minutes after its last read).
     */
    private static List<DbAccessEvent> dayOfDump() {
        Instant start = DAY0.plus(Duration.ofDays(16)).plus(Duration.ofHours(14));
        List<DbAccessEvent> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            events.add(TestEvents.dbRead()
                    .account("bi_new")
                    .clientIp("10.30.1.1")
                    .rows(5_000)
                    .at(start.plus(Duration.ofMinutes(7L * i)))
                    .build());
        }
        for (int i = 0; i < 40; i++) {
            events.add(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp("10.8.4.21")
                    .rows(25_000)
                    .fingerprint("select * from coop.members")
                    .at(start.plus(Duration.ofMinutes(10)).plusSeconds(30L * i))
                    .build());
        }
        for (int i = 0; i < 23; i++) {
            events.add(TestEvents.dbRead()
                    .account("asmith")
                    .clientIp("10.8.4.22")
                    .rows(10)
                    .at(start.plus(Duration.ofMinutes(40 + 10L * i)))
                    .build());
        }
        events.sort(Comparator.comparing(DbAccessEvent::getEventTime));
        return events;
    }

    private static List<String> records(List<ExfiltrationAlert> alerts, String account) {
        return alerts.stream()
                .filter(a -> a.getAccount().equals(account))
                .map(a -> a.getAlertId() + " " + a.getStatus() + " " + a.getBaselineMethod() + " baseline="
                        + a.getBaselineRows() + " threshold=" + a.getThresholdRows() + " observed="
                        + a.getObservedRows() + " percentile=" + a.getPeerPercentile() + " at=" + a.getDetectedAt()
                        + " " + a.getReason())
                .toList();
    }

    /**
     * Without the table profile: a table incident's CLOSED record waits for the table side, which waits for every read
     * partition's table watermark (partition 1 here never sends one).
     */
    private static DetectorDriver.Builder readSideOnly() {
        return setup("").withConfig(ExfilguardConfig.TABLE_PROFILE_ENABLED, false);
    }

    /**
     * What the read side asked the egress side to watch for {@code account}: each signal's incident, checkpoint (the
     * minute from which egress counts), read and whether it closes the watch.
     */
    private static List<String> signals(List<ReadSignal> signals, String account) {
        return signals.stream()
                .filter(s -> s.getAccount().equals(account))
                .map(s -> s.getIncidentId() + " checkpoint=" + s.getCheckpoint() + " at=" + s.getAt() + " rows="
                        + s.getRows() + " closing=" + s.getClosing() + " last=" + s.getLastActivity())
                .toList();
    }

    @Test
    void anEstablishedAccountIsJudgedAtOnceWhileANewAccountWaitsForALaggingPartition() {
        List<ExfiltrationAlert> inOrderBeforeEnd;
        List<ExfiltrationAlert> inOrder;
        List<ReadSignal> inOrderSignals;
        try (DetectorDriver driver = readSideOnly().build()) {
            driver.pipe(analysts());
            driver.pipe(dayOfDump());
            inOrderBeforeEnd = driver.alerts();
            driver.endOfInput();
            inOrder = driver.alerts();
            inOrderSignals = driver.readSignals();
        }
        assertThat(signals(inOrderSignals, "bi_new"))
                .as("the new account's incident is watched, then its watch closed")
                .anyMatch(s -> s.contains("closing=false"))
                .anyMatch(s -> s.contains("closing=true"));
        assertThat(records(inOrderBeforeEnd, "jdoe"))
                .as("the dump of an established analyst")
                .anyMatch(r -> r.contains(" OPENED " + Threshold.PERSONAL + " "));
        assertThat(records(inOrder, "bi_new"))
                .as("the new account, judged against the analysts' peaks, opens and closes an incident")
                .anyMatch(r -> r.contains(" OPENED " + Threshold.PEER + " "))
                .anyMatch(r -> r.contains(" CLOSED "));

        long day0 = Math.floorDiv(DAY0.toEpochMilli(), 86_400_000L);
        try (DetectorDriver driver = readSideOnly().withReadPartitions(2).build()) {
            // Partition 1 has no reads, and has said so up to day 13: then it lags.
            driver.pipePeerDay("1|" + (day0 - 1), new Contribution(1, day0 - 1, Map.of(), day0 + 13).encode());
            driver.pipe(analysts());
            driver.pipe(dayOfDump());
            List<ExfiltrationAlert> before = driver.alerts();
            assertThat(records(before, "jdoe"))
                    .as("the established analyst's dump is alerted without waiting for partition 1")
                    .isEqualTo(records(inOrderBeforeEnd, "jdoe"));
            assertThat(records(before, "asmith")).isEqualTo(records(inOrderBeforeEnd, "asmith"));
            assertThat(records(before, "bi_new"))
                    .as("the new account's reads wait: day 16 needs partition 1 to have left day 15")
                    .isEmpty();
            assertThat(driver.metrics().readsHeld()).isEqualTo(6);
            driver.pipePeerDay("1|" + (day0 + 14), new Contribution(1, day0 + 14, Map.of(), day0 + 15).encode());
            assertThat(driver.metrics().readsHeld()).isZero();
            assertThat(records(driver.alerts(), "bi_new"))
                    .as("judged once partition 1 has left day 15, as in order")
                    .isEqualTo(records(inOrderBeforeEnd, "bi_new"));
            // Partition 1's reads have ended too: the egress side closes the watch of both incidents.
            driver.pipeReadWatermark(1, Long.MAX_VALUE);
            driver.endOfInput();
            List<ExfiltrationAlert> after = driver.alerts();
            assertThat(records(after, "bi_new"))
                    .as("the new account's incident closes as when judged in order")
                    .isEqualTo(records(inOrder, "bi_new"));
            assertThat(records(after, "jdoe")).isEqualTo(records(inOrder, "jdoe"));
            List<ReadSignal> signals = driver.readSignals();
            assertThat(signals(signals, "bi_new"))
                    .as("its watch starts and closes at the minutes it does when judged in order")
                    .isEqualTo(signals(inOrderSignals, "bi_new"));
            assertThat(signals(signals, "jdoe")).isEqualTo(signals(inOrderSignals, "jdoe"));
        }
    }
}
