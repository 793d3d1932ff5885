package org.exfilguard.incident;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Severity;
import org.exfilguard.schema.state.AlertedDay;
import org.exfilguard.schema.state.EgressHostState;
import org.exfilguard.schema.state.EgressUpdate;
import org.exfilguard.schema.state.FreshDestination;
import org.exfilguard.schema.state.IncidentState;
import org.exfilguard.schema.state.ProfileState;
import org.exfilguard.schema.state.ReadSignal;
import org.exfilguard.schema.state.WatchedRead;
import org.exfilguard.schema.state.WindowState;

/**
 * One record of every type the detector stores or puts on an internal topic, every field set. The files under
 * {@code src/test/resources/stored-records/} are these records as the build before single-object encoding wrote
 * them (plain Avro binary), so do not change a value here without writing those files again.
 */
final class StoredSamples {

    static final Instant T0 = Instant.parse("2026-03-01T02:15:00Z");

    /** The first types of {@link #types()}, stored already by builds before single-object encoding. */
    static final int LEGACY_TYPES = 6;

    private StoredSamples() {}

    /** Every sample, in the order of {@link #types()}. */
    static List<SpecificRecord> all() {
        return List.of(
                alert(), evidence(), readSignal(), egressUpdate(), egressHostState(), profileState(), waitingRead());
    }

    static List<Class<? extends SpecificRecord>> types() {
        return List.of(
                ExfiltrationAlert.class,
                EgressEvidence.class,
                ReadSignal.class,
                EgressUpdate.class,
                EgressHostState.class,
                ProfileState.class,
                DbAccessEvent.class);
    }

    /** A read waiting in the peer-baselines store for the other read tasks to leave the days before its own. */
    static DbAccessEvent waitingRead() {
        return DbAccessEvent.newBuilder()
                .setEventTime(T0)
                .setAccount("svc_report")
                .setClientIp("10.1.2.3")
                .setDatabase("coop")
                .setTables(List.of("coop.members"))
                .setOperation(org.exfilguard.schema.Operation.SELECT)
                .setRowsReturned(2_400_000L)
                .setBytesReturned(512_000_000L)
                .setStatementFingerprint("select * from members where region = ?")
                .setSourceFormat("mysql-slow")
                .build();
    }

    static EgressEvidence evidence() {
        return EgressEvidence.newBuilder()
                .setSrcIp("10.1.2.3")
                .setBytesOut(498_000_000L)
                .setFirstTime(T0.plusSeconds(60))
                .setLastTime(T0.plusSeconds(420))
                .setDestinations(List.of(EgressDestination.newBuilder()
                        .setDstIp("203.0.113.9")
                        .setDstHost("files.example.net")
                        .setBytesOut(498_000_000L)
                        .setFirstSeenFromHost(true)
                        .setFirstSeenInOrg(true)
                        .setDstPort(443)
                        .setFlows(12)
                        .build()))
                .build();
    }

    static ExfiltrationAlert alert() {
        return ExfiltrationAlert.newBuilder()
                .setAlertId("a-1")
                .setIncidentId("i-1")
                .setStatus(AlertStatus.UPDATED)
                .setKind(AlertKind.READ_THEN_EGRESS)
                .setSeverity(Severity.CRITICAL)
                .setScore(41.5)
                .setAccount("svc_report")
                .setTable("coop.members")
                .setDetectedAt(T0.plusMillis(250))
                .setWindow("15m")
                .setWindowStart(T0.minusSeconds(900))
                .setWindowEnd(T0.plusMillis(250))
                .setObservedRows(2_400_000L)
                .setObservedBytes(512_000_000L)
                .setBaselineRows(1200.0)
                .setBaselineSpread(300.0)
                .setThresholdRows(57_800.0)
                .setBaselineMethod("personal-daily-peak")
                .setBaselineHistoryDays(28)
                .setPeerPercentile(0.99)
                .setFirstSeen(T0.minusSeconds(600))
                .setClientIps(List.of("10.1.2.3"))
                .setStatementFingerprints(List.of("select * from members where region = ?"))
                .setEgress(evidence())
                .setMitreTechniques(List.of("T1213", "T1048"))
                .setSuppressed(true)
                .setSuppressionReason("maintenance window")
                .setReason("svc_report read 2.4M rows of coop.members, then uploaded 498 MB")
                .setDetectorVersion("0.1.0")
                .build();
    }

    static ReadSignal readSignal() {
        return ReadSignal.newBuilder()
                .setClientIp("10.1.2.3")
                .setAccount("svc_report")
                .setAt(T0)
                .setIncidentId("i-1")
                .setTable("coop.members")
                .setReadStart(T0.minusSeconds(600))
                .setRows(2_400_000L)
                .setBytes(512_000_000L)
                .build();
    }

    static EgressUpdate egressUpdate() {
        return EgressUpdate.newBuilder()
                .setAccount("svc_report")
                .setIncidentId("i-1")
                .setTable("coop.members")
                .setAt(T0.plusSeconds(420))
                .setUnusual(true)
                .setFinalReport(true)
                .setEvidence(ByteBuffer.wrap(new byte[] {1, 2, 3, (byte) 0xC3}))
                .build();
    }

    static EgressHostState egressHostState() {
        return EgressHostState.newBuilder()
                .setSrcIp("10.1.2.3")
                .setVolume(ByteBuffer.wrap(new byte[] {0, 1, 7}))
                .setDestinations(Map.of("203.0.113.9", T0.toEpochMilli()))
                .setAccounts(Map.of("svc_report", 5L))
                .setFresh(List.of(FreshDestination.newBuilder()
                        .setDstIp("203.0.113.9")
                        .setDstHost("files.example.net")
                        .setDstPort(443)
                        .setFirstSeenInOrg(true)
                        .setFirst(T0)
                        .setLast(T0.plusSeconds(60))
                        .setBytes(9_000L)
                        .setFlows(3)
                        .build()))
                .setReads(List.of(WatchedRead.newBuilder()
                        .setIncidentId("i-1")
                        .setAccount("svc_report")
                        .setTable("coop.members")
                        .setReadStart(T0.minusSeconds(600))
                        .setLastRead(T0)
                        .setRows(2_400_000L)
                        .setReportedBytes(9_000L)
                        .setUnusualReported(true)
                        .setFinalReported(false)
                        .build()))
                .build();
    }

    static ProfileState profileState() {
        return ProfileState.newBuilder()
                .setAccount("svc_report")
                .setScope("coop.members")
                .setFirstDay(20_500L)
                .setWindows(List.of(WindowState.newBuilder()
                        .setName("15m")
                        .setHead(123_456L)
                        .setBucketRows(ByteBuffer.wrap(new byte[] {0, 4, 0}))
                        .setBucketBytes(ByteBuffer.wrap(new byte[] {0, 8, 0}))
                        .setDay(20_513L)
                        .setDayPeak(1_200L)
                        .setArmed(false)
                        .setHistory(ByteBuffer.wrap(new byte[] {2, 4}))
                        .setAlertedDays(List.of(AlertedDay.newBuilder()
                                .setDay(20_512L)
                                .setMinuteOfDay(135)
                                .setPeak(9_000L)
                                .build()))
                        .build()))
                .setRecentIps(Map.of("10.1.2.3", T0.toEpochMilli()))
                .setRecentFingerprints(Map.of("select ?", 40L))
                .setClosedIncidentId("i-0")
                .setClosedLastAlert(ByteBuffer.wrap(new byte[] {9}))
                .setClosedEscalated(true)
                .setIncident(IncidentState.newBuilder()
                        .setIncidentId("i-1")
                        .setOpenedAt(T0)
                        .setFirstSeen(T0.minusSeconds(600))
                        .setLastActivity(T0)
                        .setLastAlertAt(T0)
                        .setAlerts(2)
                        .setLastScore(41.5)
                        .setSeverity("CRITICAL")
                        .setLastAlert(ByteBuffer.wrap(new byte[] {7, 7}))
                        .setEscalated(true)
                        .setEgressEvidence(ByteBuffer.wrap(new byte[] {5}))
                        .build())
                .build();
    }
}
