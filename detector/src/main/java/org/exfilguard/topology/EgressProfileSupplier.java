package org.exfilguard.topology;

import io.micrometer.core.instrument.Counter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.EgressCorrelator;
import org.exfilguard.detect.EgressHost;
import org.exfilguard.detect.EgressSettings;
import org.exfilguard.detect.FreshEntry;
import org.exfilguard.detect.Watch;
import org.exfilguard.incident.AvroBytes;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.state.EgressHostState;
import org.exfilguard.schema.state.EgressUpdate;
import org.exfilguard.schema.state.ReadSignal;

/**
 * The egress-profile processor, keyed by source ip: outbound bytes per host against its learnt baseline,
 * destinations new for the host and for the organisation, and the correlation of that egress with the bulk reads
 * made from the host. Evidence goes back to the incident's owner keyed by account.
 *
 * <p>The correlation runs in event time ({@link EgressCorrelator}): watches are judged at minute boundaries up to the
 * bound both sides have passed, the lower of this task's newest flow and the read side's watermark (the lowest of
 * its tasks' watermarks, which they send to every partition of the signal topic). In a live run a side that has
 * been idle for {@code idle} of wall time is left out of the bound, so a quiet database or a silent flow log does
 * not hold the other back; a backtest turns that off and ends its input with {@link EndOfInput} instead.
 */
final class EgressProfileSupplier implements ProcessorSupplier<Object, Object, String, EgressUpdate> {

    static final String SOURCE = "egress";
    static final String VOLUME_SCOPE = "egress";
    private static final String FLOWS = "flows";
    private static final String FIRST_DAY = "first-day";
    private static final String SOURCES = "sources";
    private static final String READ = "read/";

    private final EgressSettings settings;
    private final DetectorMetrics metrics;
    private final int hotHosts;
    private final Duration idle;

    EgressProfileSupplier(EgressSettings settings, DetectorMetrics metrics, Duration idle) {
        this(settings, metrics, HotCache.HOSTS, idle);
    }

    /** With {@code hotHosts} decoded hosts kept per task (0: every flow reads the stores, as tests of the stored layout want). */
    EgressProfileSupplier(EgressSettings settings, DetectorMetrics metrics, int hotHosts, Duration idle) {
        this.settings = settings;
        this.metrics = metrics;
        this.hotHosts = hotHosts;
        this.idle = idle;
    }

    @Override
    public Processor<Object, Object, String, EgressUpdate> get() {
        return new EgressProfileProcessor();
    }

    /** A host's decoded state: its windows and the rest, as the stores hold them. */
    /**
     * A host's decoded state. {@code volumeBytes} is the encoding of {@code volume} as last written (null when not
     * known, e.g. decoded from the store): judging a watch does not touch the volume, and re-encoding it for every
     * watched host at every minute boundary was most of the egress side's cost when many weak reads were watched.
     */
    private record Host(
            EgressHost state,
            ScopeProfile volume,
            StoredDestinations destinations,
            StoredFresh fresh,
            byte[] volumeBytes) {

        Host(EgressHost state, ScopeProfile volume, StoredDestinations destinations, StoredFresh fresh) {
            this(state, volume, destinations, fresh, null);
        }
    }

    private final class EgressProfileProcessor implements Processor<Object, Object, String, EgressUpdate> {

        private final EgressCorrelator correlator = new EgressCorrelator(settings);
        private final ProfileCodec volumeCodec = new ProfileCodec(settings.volume());
        private final EgressHostCodec hostCodec = new EgressHostCodec();
        private final AvroBytes<EgressEvidence> evidenceCodec = new AvroBytes<>(EgressEvidence.class);
        private final HotCache<Host> hot = new HotCache<>(hotHosts);
        /** The watched hosts (the store {@code watched} holds them) by the first bound each needs judging at. */
        private final JudgingQueue due = new JudgingQueue();
        // Held: most flows are counted and dropped, and looking a counter up cost more than the rest of that.
        private final Counter internal = metrics.eventCounter(SOURCE, "internal");
        private final Counter knownDestination = metrics.eventCounter(SOURCE, "known_destination");
        private final Counter accepted = metrics.eventCounter(SOURCE, "accepted");
        private ProcessorContext<String, EgressUpdate> context;
        private KeyValueStore<String, byte[]> hosts;
        private KeyValueStore<String, Long> destinations;
        private KeyValueStore<String, byte[]> fresh;
        private KeyValueStore<String, Long> orgDestinations;
        private KeyValueStore<String, Long> clock;
        private KeyValueStore<String, Long> watched;
        private StorePeerBaselines peers;
        /** The minute of the newest flow; the read tasks' watermarks (idle ones absent from the bound). */
        private long flowsAt;
        /** The day of this task's first flow: the organisation's destinations are being learnt until it is over. */
        private long firstDay;

        private final Map<Integer, Long> readMarks = new java.util.HashMap<>();
        private final java.util.Set<Integer> idleReads = new java.util.HashSet<>();
        private int sources;
        private long flowsIdleSince = Long.MAX_VALUE;
        private boolean flowsIdle;
        /** The bound up to which every watch was judged. */
        private long judgedTo = Long.MIN_VALUE;

        @Override
        public void init(ProcessorContext<String, EgressUpdate> context) {
            this.context = context;
            this.hosts = context.getStateStore(StoreNames.EGRESS_HOSTS);
            this.destinations = context.getStateStore(StoreNames.EGRESS_DESTINATIONS);
            this.fresh = context.getStateStore(StoreNames.EGRESS_FRESH);
            this.orgDestinations = context.getStateStore(StoreNames.ORG_DESTINATIONS);
            this.clock = context.getStateStore(StoreNames.EGRESS_CLOCK);
            this.watched = context.getStateStore(StoreNames.EGRESS_WATCHED);
            this.peers = new StorePeerBaselines(context.getStateStore(StoreNames.EGRESS_PEER_BASELINES));
            hot.clear();
            reloadDue();
            readMarks.clear();
            idleReads.clear();
            Long first = clock.get(FIRST_DAY);
            firstDay = first == null ? Long.MAX_VALUE : first;
            Long flows = clock.get(FLOWS);
            flowsAt = flows == null ? Long.MIN_VALUE : flows;
            Long count = clock.get(SOURCES);
            sources = count == null ? 0 : count.intValue();
            for (int i = 0; i < sources; i++) {
                Long mark = clock.get(READ + i);
                if (mark != null) {
                    readMarks.put(i, mark);
                }
            }
            judgedTo = Long.MIN_VALUE;
            flowsIdle = false;
            flowsIdleSince = Long.MAX_VALUE;
            if (!idle.isZero()) {
                WallClockPunctuation.schedule(
                        context,
                        Duration.ofMillis(Math.max(100, idle.toMillis() / 4)),
                        "egress idle check",
                        this::idleCheck);
            }
            metrics.trackKeys(this, hosts::approximateNumEntries);
        }

        @Override
        public void process(Record<Object, Object> record) {
            try {
                if (record.value() instanceof EgressEvent event) {
                    onEgress(event);
                    if (!idle.isZero()) {
                        flowsIdleSince = context.currentSystemTimeMs();
                        flowsIdle = false;
                    }
                    judge();
                } else if (record.value() instanceof ReadSignal signal) {
                    onSignal(signal);
                } else if (record.value() instanceof EndOfInput) {
                    flowsAt = Long.MAX_VALUE;
                    clock.put(FLOWS, flowsAt);
                    judge();
                }
                peers.flush();
            } catch (RuntimeException e) {
                // A host may have been changed in memory and not written: the cache must not outlive what the stores
                // hold.
                hot.clear();
                try {
                    reloadDue();
                } catch (RuntimeException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
                throw e;
            }
        }

        /** Every watched host due at the next boundary, which checks each exactly: nothing is decoded here. */
        private void reloadDue() {
            due.clear();
            try (KeyValueIterator<String, Long> all = watched.all()) {
                while (all.hasNext()) {
                    due.put(all.next().key, Long.MIN_VALUE);
                }
            }
        }

        private void onSignal(ReadSignal signal) {
            if (signal.getWatermark() != null) {
                int source = signal.getSource();
                if (signal.getSources() > sources) {
                    sources = signal.getSources();
                    clock.put(SOURCES, (long) sources);
                }
                if (signal.getIdle()) {
                    idleReads.add(source);
                } else {
                    idleReads.remove(source);
                    long mark = signal.getWatermark().toEpochMilli();
                    Long before = readMarks.get(source);
                    if (before == null || mark > before) {
                        readMarks.put(source, mark);
                        clock.put(READ + source, mark);
                    }
                }
                judge();
                return;
            }
            if (signal.getIncidentId() == null) {
                // Account-seen signals of earlier builds: dropped unread.
                return;
            }
            Instant at = signal.getAt();
            // A signal of an earlier build has no checkpoint: it applies from the minute after its read.
            long checkpoint = signal.getCheckpoint() != null
                    ? signal.getCheckpoint().toEpochMilli()
                    : Math.floorDiv(at.toEpochMilli(), 60_000L) * 60_000L + 60_000L;
            Host host = load(signal.getClientIp(), null);
            long readStart = signal.getReadStart() == null
                    ? at.toEpochMilli()
                    : signal.getReadStart().toEpochMilli();
            byte[] alert = signal.getAlert() == null ? null : AvroBytes.bytes(signal.getAlert());
            List<EgressCorrelator.Finding> dropped = correlator.onSignal(
                    host.state(),
                    signal.getIncidentId(),
                    signal.getAccount(),
                    signal.getTable(),
                    readStart,
                    new Watch.Signal(checkpoint, at.toEpochMilli(), signal.getRows(), alert),
                    signal.getClosing(),
                    signal.getLastActivity() == null
                            ? at.toEpochMilli()
                            : signal.getLastActivity().toEpochMilli(),
                    signal.getWeak());
            save(host, false);
            watched.put(signal.getClientIp(), 1L);
            due.put(signal.getClientIp(), correlator.nextJudging(host.state()));
            dropped.forEach(f -> send(f, host.state().srcIp()));
        }

        /** The bound both sides have passed: the lower of the newest flow's minute and the read side's watermark. */
        private long bound() {
            long reads = Long.MAX_VALUE;
            if (sources == 0) {
                reads = Long.MIN_VALUE;
            }
            for (int i = 0; i < sources; i++) {
                if (idleReads.contains(i)) {
                    continue;
                }
                Long mark = readMarks.get(i);
                reads = Math.min(reads, mark == null ? Long.MIN_VALUE : mark);
            }
            long flows = flowsIdle ? Long.MAX_VALUE : flowsAt;
            long bound = Math.min(reads, flows);
            // Both idle: nothing to wait for, and nothing to judge by either.
            return bound == Long.MAX_VALUE ? Math.max(judgedTo, Math.max(flowsAt, maxMark())) : bound;
        }

        private long maxMark() {
            return readMarks.values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
        }

        /** Judges every watched host up to the bound, when it moved to a new minute. */
        private void judge() {
            long bound = bound();
            if (bound <= judgedTo || bound == Long.MIN_VALUE) {
                return;
            }
            // The hosts a scan of every watched host would judge, in the scan's order: the others' next bound is later.
            for (String ip : due.dueBy(bound)) {
                Host host = load(ip, null);
                if (!correlator.needsJudging(host.state(), bound)) {
                    due.put(ip, correlator.nextJudging(host.state()));
                    continue;
                }
                List<EgressCorrelator.Finding> findings = correlator.judge(host.state(), bound);
                save(host, false);
                findings.forEach(f -> send(f, host.state().srcIp()));
                if (host.state().watches().isEmpty()) {
                    watched.delete(ip);
                    due.remove(ip);
                }
            }
            judgedTo = bound;
        }

        /** Live runs: a flow log silent for the idle time no longer holds the correlation back. */
        private void idleCheck(long wallNow) {
            if (!flowsIdle && flowsIdleSince != Long.MAX_VALUE && wallNow - flowsIdleSince >= idle.toMillis()) {
                flowsIdle = true;
                judge();
            } else if (flowsIdleSince == Long.MAX_VALUE) {
                flowsIdleSince = wallNow;
            }
        }

        private void onEgress(EgressEvent event) {
            long minute = Math.floorDiv(event.getEventTime().toEpochMilli(), 60_000L) * 60_000L;
            long day = Math.floorDiv(minute, 86_400_000L);
            if (day < firstDay) {
                firstDay = day;
                clock.put(FIRST_DAY, day);
            }
            if (minute > flowsAt) {
                flowsAt = minute;
                clock.put(FLOWS, minute);
            }
            if (!correlator.isEgress(event)) {
                internal.increment();
                return;
            }
            if (correlator.isKnownDestination(event.getDstIp())) {
                knownDestination.increment();
                return;
            }
            accepted.increment();
            Instant at = event.getEventTime();
            boolean firstInOrg = orgDestinations.get(event.getDstIp()) == null;
            if (firstInOrg) {
                orgDestinations.put(event.getDstIp(), at.toEpochMilli());
            }
            Host host = load(event.getSrcIp(), at);
            if (host.volume() == null) {
                // A host first named by the read side: its history (and its first, learning day) starts with this flow.
                host = new Host(host.state(), newVolume(event.getSrcIp(), at), host.destinations(), host.fresh());
            }
            if (judgedTo != Long.MIN_VALUE) {
                // Every watch was judged up to here: the minutes before it are one sum from now on.
                host.state().settle(judgedTo);
            }
            // New to the organisation means something once the organisation's own destinations have had a day to be
            // seen.
            boolean organisationLearning = Math.floorDiv(at.toEpochMilli(), 86_400_000L) <= firstDay;
            boolean egressOnly =
                    correlator.onEgress(host.state(), host.volume(), event, firstInOrg && !organisationLearning, peers);
            save(host, true);
            if (egressOnly) {
                // Egress alone is a weaker signal: counted, not alerted (no bulk read explains or implicates it).
                metrics.suppression("egress_only");
            }
        }

        private void send(EgressCorrelator.Finding finding, String srcIp) {
            byte[] evidence = finding.evidence() == null ? new byte[0] : evidenceCodec.encode(finding.evidence());
            EgressUpdate update = EgressUpdate.newBuilder()
                    .setAccount(finding.account())
                    .setIncidentId(finding.incidentId())
                    .setTable(finding.table())
                    .setAt(Instant.ofEpochMilli(finding.at()))
                    .setUnusual(finding.unusual())
                    .setFinalReport(finding.complete())
                    .setEvidence(ByteBuffer.wrap(evidence))
                    .setSrcIp(srcIp)
                    .setAlert(finding.alert() == null ? null : ByteBuffer.wrap(finding.alert()))
                    .build();
            context.forward(new Record<>(finding.account(), update, finding.at()));
        }

        /**
         * The host's state; {@code at} is the flow that loads it (null for a signal or a judgement, which start no
         * outbound history: a host the read side names before any flow has none until its first flow).
         */
        private Host load(String ip, Instant at) {
            Host cached = hot.get(ip);
            if (cached != null) {
                return cached;
            }
            byte[] stored = hosts.get(ip);
            if (stored == null) {
                ScopeProfile volume = at == null ? null : newVolume(ip, at);
                StoredDestinations none = new StoredDestinations(destinations, ip, 0);
                return new Host(
                        new EgressHost(ip, none, List.of(), List.of(), Math.max(judgedTo, 0)),
                        volume,
                        none,
                        StoredFresh.none(ip));
            }
            if (EgressHostCodec.isLegacy(stored)) {
                return migrate(ip, hostCodec.decodeLegacy(stored), at);
            }
            EgressHostCodec.HostRecord record = hostCodec.decodeHost(stored);
            List<FreshEntry> freshList = new ArrayList<>();
            StoredFresh storedFresh = StoredFresh.load(fresh, hostCodec, ip, freshList);
            StoredDestinations known = new StoredDestinations(destinations, ip, record.destinations());
            EgressHost state = new EgressHost(ip, known, freshList, record.watches(), record.settledTo());
            ScopeProfile volume = record.volume().length == 0
                    ? null
                    : volumeCodec.decode(record.volume(), at == null ? Instant.ofEpochMilli(Math.max(0, flowsAt)) : at);
            return new Host(state, volume, known, storedFresh);
        }

        /** Through the codec, as earlier versions did: the windows a new host starts with are what it reads back. */
        private ScopeProfile newVolume(String ip, Instant at) {
            return volumeCodec.decode(
                    volumeCodec.encode(ScopeProfile.fresh(
                            ip,
                            VOLUME_SCOPE,
                            settings.volume().windows(),
                            settings.volume().historyDays(),
                            at)),
                    at);
        }

        /**
         * An earlier version's EgressHostState: its destinations move to their own keys now, its host record and fresh
         * list are rewritten in the new layout when the record that loaded it is done.
         */
        private Host migrate(String ip, EgressHostState legacy, Instant at) {
            Map<String, Long> known = EgressHostCodec.legacyDestinations(legacy);
            known.forEach((dst, firstSeen) -> destinations.put(StoredDestinations.key(ip, dst), firstSeen));
            StoredDestinations stored = new StoredDestinations(destinations, ip, known.size());
            EgressHost state = new EgressHost(
                    ip,
                    stored,
                    legacy.getFresh().stream().map(EgressHostCodec::fromLegacy).toList(),
                    legacy.getReads().stream().map(EgressHostCodec::fromLegacy).toList(),
                    0);
            state.markAllFreshChanged();
            if (!state.watches().isEmpty()) {
                watched.put(ip, 1L);
                due.put(ip, Long.MIN_VALUE);
            }
            Instant when = at == null ? Instant.ofEpochMilli(Math.max(0, flowsAt)) : at;
            return new Host(
                    state, volumeCodec.decode(AvroBytes.bytes(legacy.getVolume()), when), stored, StoredFresh.none(ip));
        }

        /** Writes the host; {@code volumeChanged} false: its volume is as last written, if its bytes are known. */
        private void save(Host host, boolean volumeChanged) {
            String ip = host.state().srcIp();
            byte[] volume = host.volume() == null
                    ? new byte[0]
                    : !volumeChanged && host.volumeBytes() != null
                            ? host.volumeBytes()
                            : volumeCodec.encode(host.volume());
            hosts.put(
                    ip,
                    hostCodec.encodeHost(
                            ip,
                            volume,
                            host.destinations().size(),
                            host.state().settledTo(),
                            host.state().watches()));
            host.fresh().save(fresh, hostCodec, host.state());
            hot.put(ip, new Host(host.state(), host.volume(), host.destinations(), host.fresh(), volume));
            if (due.contains(ip)) {
                due.put(ip, correlator.nextJudging(host.state()));
            }
        }

        @Override
        public void close() {
            metrics.untrackKeys(this);
        }
    }
}
