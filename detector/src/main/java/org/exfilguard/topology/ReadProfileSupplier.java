package org.exfilguard.topology;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.DriftSettings;
import org.exfilguard.detect.PeerBaselines;
import org.exfilguard.detect.PeerGroups;
import org.exfilguard.detect.PersonalReads;
import org.exfilguard.detect.ReadDetector;
import org.exfilguard.detect.ReadSignals;
import org.exfilguard.detect.SharedPeerDays;
import org.exfilguard.detect.WeakRead;
import org.exfilguard.detect.WeakReadSettings;
import org.exfilguard.detect.WindowVerdict;
import org.exfilguard.incident.AvroBytes;
import org.exfilguard.incident.IncidentLifecycle;
import org.exfilguard.incident.IncidentManager;
import org.exfilguard.ingest.SourceAdvice;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.profile.ActiveHours;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.state.EgressUpdate;
import org.exfilguard.schema.state.ReadSignal;
import org.exfilguard.serde.AlertFormat;
import org.exfilguard.suppress.AlertSuppressor;

/**
 * The read-profile processor: per (account, sensitive table) and per account across all sensitive tables, adds
 * each read to the sliding windows, scores it against the learnt baseline and runs the incident lifecycle.
 * The supplier holds the configuration; each task's processor holds its {@link ProfileStore}. The decisions are
 * made by {@link ReadDetector} and {@link IncidentManager}, suppression by {@link AlertSuppressor}, the egress
 * side's watch requests by {@link ReadSignals}.
 */
final class ReadProfileSupplier implements ProcessorSupplier<String, ReadInput, String, Object> {

    /**
     * The bound on a read task's quiet time: a task that has processed no read for this many {@code
     * correlation.follow.ms} of wall time (counted from its last read, or from its first punctuation after a start),
     * over at least as many punctuations as one {@code correlation.follow.ms} holds, is quiet however late they came.
     * Late punctuations only postpone the follow up to here: on a loaded machine (a commit or another task's batch
     * between two of them) every one can come late, and a task whose reads have ended must still declare its days
     * over, or the other tasks' held reads wait for good. The punctuations count too: one that comes after a long
     * stall of the thread says nothing of the reads that may wait for it.
     */
    static final int QUIET_BOUND_FACTOR = 5;

    /** A weak read is signalled again once its window's sum has grown by this factor since its last signal. */
    static final double WEAK_GROWTH = 1.25;

    /** The source tag of db-access events in metrics. */
    static final String SOURCE = "db-access";

    /** The child processors (sinks) the processor forwards to. */
    record Sinks(String alerts, List<RenderingSink> renderings, String signals, String peerDays) {
        /**
         * Sinks without the peer-days topic: a read processor then takes its own daily peer peaks back at once (one
         * read partition only).
         */
        Sinks(String alerts, List<RenderingSink> renderings, String signals) {
            this(alerts, renderings, signals, null);
        }
    }

    /** A sink that takes the alerts rendered in a format. */
    record RenderingSink(AlertFormat format, String child) {}

    private final DetectionSettings settings;
    private final IncidentLifecycle lifecycle;
    private final String detectorVersion;
    /** Bytes of encoded profiles each task keeps in memory in front of its store. */
    private final long profileCacheBytes;

    private final AlertSuppressor suppressor;
    private final DetectorMetrics metrics;
    private final Sinks sinks;
    private final Clock wallClock;
    private final Correlation correlation;
    private final DriftSettings drift;
    private final WeakReadSettings weak;
    private final PeerGroups peerGroups;
    /** Whether the table profile runs: then a close on a table waits for its links (see {@link TableLinks}). */
    private final boolean tableLinks;
    /** A table incident stays open at least this long after its last record (table.profile.quiet.minutes). */
    private final long tableQuietMillis;
    /** Shared by the supplier's tasks, so each piece of advice on the sources is logged once per process. */
    private final SourceAdvice sourceAdvice = new SourceAdvice();

    /**
     * Keys in the peer-baselines store: the shared baselines, this task's recorder, the held reads and the clock
     * minutes the task moved to while reads were held.
     */
    static final String SHARED_KEY = "~shared";

    static final String RECORDER_KEY = "~recorder";
    static final String HELD_PREFIX = "~held|";
    static final String CLOCK_PREFIX = "~clock|";
    /** Reads a build that held every read (never released) stored as bare events: held again at start. */
    static final String LEGACY_WAIT_PREFIX = "~wait|";
    /** The layout version of a held read's stored value: version, clock day, clock minute, then the event. */
    static final byte HELD_VERSION = 1;

    private static final long DAY_MILLIS = 86_400_000L;

    private static String heldKey(long sequence) {
        return HELD_PREFIX + nineteenDigits(sequence);
    }

    private static String clockKey(long minute) {
        return CLOCK_PREFIX + nineteenDigits(minute);
    }

    /**
     * {@code String.format("%019d", v)}, which sorts the keys in number order, without the formatter: it was 7% of
     * the stream threads in a backtest, where most reads of the first week are held.
     */
    static String nineteenDigits(long v) {
        String digits = Long.toString(v);
        return v < 0 || digits.length() >= 19
                ? String.format(java.util.Locale.ROOT, "%019d", v)
                : "0".repeat(19 - digits.length()) + digits;
    }

    /**
     * A read held until the shared peer baselines of its day are complete: its store sequence, its account, the
     * task's clock day it arrived in (the day it is judged and teaches in) and the task's clock minute when it arrived
     * (its records' checkpoints are those it would have had if judged at once). The read itself stays in the store.
     */
    record Held(long sequence, String account, long day, long clock) {
        /** The stored value (layout {@value #HELD_VERSION}): version, clock day, clock minute, then the event. */
        static byte[] encode(DbAccessEvent event, long day, long clock, AvroBytes<DbAccessEvent> codec) {
            byte[] bytes = codec.encode(event);
            return java.nio.ByteBuffer.allocate(1 + 8 + 8 + bytes.length)
                    .put(HELD_VERSION)
                    .putLong(day)
                    .putLong(clock)
                    .put(bytes)
                    .array();
        }

        static Held decode(long sequence, byte[] bytes, AvroBytes<DbAccessEvent> codec) {
            java.nio.ByteBuffer in = header(bytes);
            return new Held(sequence, event(bytes, codec).getAccount(), in.getLong(), in.getLong());
        }

        /** The held read of a stored value. */
        static DbAccessEvent event(byte[] bytes, AvroBytes<DbAccessEvent> codec) {
            header(bytes);
            return codec.decode(java.util.Arrays.copyOfRange(bytes, 1 + 8 + 8, bytes.length));
        }

        private static java.nio.ByteBuffer header(byte[] bytes) {
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
            byte version = in.get();
            if (version != HELD_VERSION) {
                throw new IllegalArgumentException(
                        "held read has layout version " + version + "; this detector reads " + HELD_VERSION);
            }
            return in;
        }
    }

    private static long day(DbAccessEvent event) {
        return Math.floorDiv(event.getEventTime().toEpochMilli(), DAY_MILLIS);
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReadProfileSupplier.class);

    ReadProfileSupplier(DetectorWiring wiring, AlertSuppressor suppressor, Sinks sinks) {
        this.settings = wiring.detection();
        this.lifecycle = wiring.incidents();
        this.drift = wiring.drift();
        this.correlation = wiring.correlation();
        this.detectorVersion = wiring.detectorVersion();
        this.profileCacheBytes = wiring.profileCacheBytes();
        this.metrics = wiring.metrics();
        this.wallClock = wiring.wallClock();
        this.weak = wiring.weakReads();
        this.peerGroups = wiring.peerGroups();
        this.tableLinks = wiring.table().enabled();
        this.tableQuietMillis = wiring.table().quietPeriod().toMillis();
        this.suppressor = suppressor;
        this.sinks = sinks;
    }

    @Override
    public Processor<String, ReadInput, String, Object> get() {
        return new ReadProfileProcessor();
    }

    private final class ReadProfileProcessor
            implements Processor<String, ReadInput, String, Object>, ReadInput.Handler {

        private final ReadDetector detector = new ReadDetector(settings);
        private final PersonalReads personalReads = settings.personalReads();
        private final IncidentManager incidents = new IncidentManager(lifecycle, detectorVersion);
        private final AvroBytes<EgressEvidence> evidenceCodec = new AvroBytes<>(EgressEvidence.class);
        private final AvroBytes<ExfiltrationAlert> alertCodec = new AvroBytes<>(ExfiltrationAlert.class);
        private final AvroBytes<DbAccessEvent> eventCodec = new AvroBytes<>(DbAccessEvent.class);
        private ProcessorContext<String, Object> context;
        private AlertPublisher publisher;
        private KeyValueStore<String, byte[]> incidentEgress;
        /** The watermark last sent to the egress side (every later signal has a checkpoint after it). */
        private long watermarkSent = Long.MIN_VALUE;

        private long lastReadWall;
        /**
         * Wall time of the last read this task processed, or of the first record of any kind since it started (none
         * yet: Long.MAX_VALUE); its peer day follows the other tasks' when it is old. Counted from a first record,
         * not from the start: a task that has just started may not have fetched its reads yet, but once records reach
         * it, its reads on the broker come with them.
         */
        private long lastInputWall;
        /** A read (or the first record) came since the last tick: the tick then sets {@link #lastInputWall}. */
        private boolean inputSinceTick;
        /** Wall time of the last watermark tick (Long.MIN_VALUE before the first). */
        private long lastTickWall;
        /**
         * Wall time of the task's first watermark tick after a start (Long.MIN_VALUE before it): the quiet bound
         * counts from it while no read has come since the start.
         */
        private long startWall;
        /** A read came since the last tick: the tick then sets {@link #lastReadTick}. */
        private boolean readSinceTick;
        /** Wall time of the first tick after the task's last read (Long.MIN_VALUE: none since its start). */
        private long lastReadTick;
        /** Ticks since the last one after a read (or since the start). */
        private long ticksSinceRead;
        /** Whether the task has announced its peer day since its start (at its first tick). */
        private boolean announced;

        private boolean idleSent;
        private boolean ended;
        private ProfileStore profiles;
        /** The peer baselines of every read partition, and this task's part of them (see {@link SharedPeerDays}). */
        private KeyValueStore<String, byte[]> peerStore;

        private SharedPeerDays shared;
        private SharedPeerDays.Recorder recorder;
        private boolean recorderChanged;
        /**
         * Reads held until the shared baselines of their day are complete, in arrival order: the reads of accounts
         * judged by their peers (cold start), and every later read of an account that has one held.
         */
        private final ArrayDeque<Held> held = new ArrayDeque<>();
        /** The held reads per account, in order: an account listed here is skipped by the incident scan. */
        private final Map<String, ArrayDeque<Held>> heldByAccount = new HashMap<>();
        /**
         * The clock minutes this task moved to while reads were held (after the earliest held read's minute): a
         * held account's scans are replayed over them once its reads are judged.
         */
        private final TreeSet<Long> heldClock = new TreeSet<>();
        /** The size of {@link #held}, for the metrics thread. */
        private volatile int heldCount;

        private long nextHeld;
        /** The input has ended; the task ends its peer days once no read is held. */
        private boolean endPending;
        /** The baselines of the read being judged. */
        private PeerBaselines judging;
        /** The clock day of the read being judged: its peaks are taught in that day. */
        private long judgingDay;
        /**
         * The task's clock minute as the record being made saw it: the clock when the read arrived, or the minute a
         * scan ran at (records' checkpoints are taken from it).
         */
        private long judgingClock;
        /** Judges with the shared baselines of the read's day; teaches this task's recorder. */
        private final PeerBaselines population = new PeerBaselines() {
            @Override
            public long count(String scope, String window) {
                return judging.count(scope, window);
            }

            @Override
            public double quantile(String scope, String window, double q) {
                return judging.quantile(scope, window, q);
            }

            @Override
            public double rank(String scope, String window, double value) {
                return judging.rank(scope, window, value);
            }

            @Override
            public void add(String scope, String window, double peak) {
                recorder.add(judgingDay, scope, window, peak);
                recorderChanged = true;
            }
        };
        /** What an account judged by its own history is judged with: its windows never ask the peers. */
        private final PeerBaselines established = new PeerBaselines() {
            private IllegalStateException consulted() {
                return new IllegalStateException(
                        "peer baselines consulted for a read judged as established (ReadDetector.judgesByPeers)");
            }

            @Override
            public long count(String scope, String window) {
                throw consulted();
            }

            @Override
            public double quantile(String scope, String window, double q) {
                throw consulted();
            }

            @Override
            public double rank(String scope, String window, double value) {
                throw consulted();
            }

            @Override
            public void add(String scope, String window, double peak) {
                throw new UnsupportedOperationException("shared peers learn through contributions");
            }
        };
        /** Null when the drift detector is off. */
        private DriftScopes drifts;
        /** The event-clock minute up to which quiet incidents have been closed. */
        private long scannedTo;

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.publisher = new AlertPublisher(suppressor, metrics, wallClock, sinks, context);
            this.profiles = new ProfileStore(
                    context.getStateStore(StoreNames.READ_PROFILES),
                    context.getStateStore(StoreNames.OPEN_INCIDENTS),
                    new ProfileCodec(settings),
                    profileCacheBytes,
                    incidents::closeDue);
            this.peerStore = context.getStateStore(StoreNames.PEER_BASELINES);
            byte[] sharedBytes = peerStore.get(SHARED_KEY);
            shared = sharedBytes == null
                    ? new SharedPeerDays(correlation.readPartitions())
                    : SharedPeerDays.decode(sharedBytes, correlation.readPartitions());
            byte[] recorderBytes = peerStore.get(RECORDER_KEY);
            recorder = recorderBytes == null
                    ? new SharedPeerDays.Recorder(context.taskId().partition())
                    : SharedPeerDays.Recorder.decode(recorderBytes);
            recorderChanged = false;
            endPending = false;
            held.clear();
            heldCount = 0;
            heldByAccount.clear();
            heldClock.clear();
            nextHeld = 0;
            try (KeyValueIterator<String, byte[]> stored = peerStore.range(HELD_PREFIX, HELD_PREFIX + "~")) {
                while (stored.hasNext()) {
                    KeyValue<String, byte[]> entry = stored.next();
                    long sequence = Long.parseLong(entry.key.substring(HELD_PREFIX.length()));
                    enqueue(Held.decode(sequence, entry.value, eventCodec));
                    nextHeld = sequence + 1;
                }
            }
            try (KeyValueIterator<String, byte[]> stored = peerStore.range(CLOCK_PREFIX, CLOCK_PREFIX + "~")) {
                while (stored.hasNext()) {
                    heldClock.add(Long.parseLong(stored.next().key.substring(CLOCK_PREFIX.length())));
                }
            }
            this.drifts = drift.enabled()
                    ? new DriftScopes(
                            drift,
                            lifecycle.severities(),
                            detectorVersion,
                            context.getStateStore(StoreNames.DRIFT_STATE))
                    : null;
            metrics.trackKeys(this, profiles::approximateNumEntries);
            metrics.trackHeld(this, () -> heldCount);
            metrics.trackProfileCache(this, profiles::cacheHits, profiles::cacheMisses);
            // The task's stored clock is the minute its last scan closed up to (the scan runs with the read that moves
            // the clock, in the same transaction).
            KeyValueStore<String, Long> clock = context.getStateStore(StoreNames.EVENT_CLOCK);
            Long stored = clock.get(EventClock.KEY);
            scannedTo = stored == null ? Long.MIN_VALUE : stored;
            holdLegacyWaiting();
            incidentEgress = context.getStateStore(StoreNames.INCIDENT_EGRESS);
            watermarkSent = Long.MIN_VALUE;
            idleSent = false;
            ended = false;
            lastReadWall = correlation.idle().isZero() ? 0 : context.currentSystemTimeMs();
            lastInputWall = Long.MAX_VALUE;
            startWall = Long.MIN_VALUE;
            inputSinceTick = false;
            readSinceTick = false;
            lastReadTick = Long.MIN_VALUE;
            ticksSinceRead = 0;
            announced = false;
            lastTickWall = Long.MIN_VALUE;
            WallClockPunctuation.schedule(
                    context, correlation.watermarkInterval(), "read watermark", this::sendWatermark);
        }

        /**
         * Tells every egress task how far this task's reads have come: no later signal has a checkpoint at or before
         * the minute its clock stands at. In a live run, a task without reads for the idle time says so instead, and
         * the egress side stops waiting for it.
         */
        private void sendWatermark(long wallNow) {
            boolean idle = !ended
                    && held.isEmpty()
                    && !correlation.idle().isZero()
                    && wallNow - lastReadWall >= correlation.idle().toMillis();
            // Never past a held read's minute: its records, judged later, carry the checkpoints of that minute.
            long mark = ended
                    ? Long.MAX_VALUE
                    : held.isEmpty()
                            ? scannedTo
                            : Math.min(scannedTo, held.peek().clock());
            boolean send = idle ? !idleSent : mark != Long.MIN_VALUE && (idleSent || mark > watermarkSent);
            // A tick that comes late says the task's thread was busy (with another task, or stopped): its reads may
            // be fetched and not yet processed, so the quiet time counts from now.
            if (startWall == Long.MIN_VALUE) {
                startWall = wallNow;
            }
            boolean late = lastTickWall != Long.MIN_VALUE
                    && wallNow - lastTickWall
                            > 2 * correlation.watermarkInterval().toMillis();
            lastTickWall = wallNow;
            if (inputSinceTick || (late && lastInputWall != Long.MAX_VALUE)) {
                lastInputWall = wallNow;
                inputSinceTick = false;
            }
            if (readSinceTick) {
                lastReadTick = wallNow;
                readSinceTick = false;
                ticksSinceRead = 0;
            } else {
                ticksSinceRead++;
            }
            if (!ended && !correlation.follow().isZero()) {
                if (!announced) {
                    announce();
                }
                // Quiet: no read for follow.ms of punctuations that came on time (counted from a first record), or,
                // however late they came, for the bound since its last read or its start. Also with reads held:
                // their days stay open, and its later days go out once they are judged.
                long follow = correlation.follow().toMillis();
                long ticksInFollow =
                        follow / Math.max(1, correlation.watermarkInterval().toMillis());
                long sinceRead = wallNow - (lastReadTick == Long.MIN_VALUE ? startWall : lastReadTick);
                boolean bounded = sinceRead >= QUIET_BOUND_FACTOR * follow && ticksSinceRead >= ticksInFollow;
                if ((lastInputWall != Long.MAX_VALUE && wallNow - lastInputWall >= follow) || bounded) {
                    follow();
                }
            }
            if (!send) {
                return;
            }
            ReadSignal signal = ReadSignals.watermark(
                    mark, scannedTo, context.taskId().partition(), correlation.readPartitions(), idle);
            context.forward(new Record<String, Object>("", signal, Math.max(0, scannedTo)), sinks.signals());
            idleSent = idle;
            if (!idle) {
                watermarkSent = mark;
            }
        }

        /**
         * At its first tick after a start, a read task sends its peer day again (the day it has handed over through,
         * with no peaks): under exactly-once the days it sent are committed with its state and this one is refused as
         * a repeat; under at-least-once, a crash after its state was flushed and before the days it sent reached the
         * broker loses them while the task believes them sent, and with its reads ended (and its clock ahead of the
         * others', so it never follows) the other tasks' held reads would wait for them for good. The peaks of a day
         * lost that way stay lost (as any record an at-least-once crash loses).
         */
        private void announce() {
            announced = true;
            SharedPeerDays.Contribution again = recorder.announcement();
            if (again != null) {
                sendPeerDay(again);
            }
        }

        /**
         * A quiet read task declares its days before the read side's clock over (the latest day another read task has
         * moved to), so a partition whose reads stop early, or that has none, holds no other task's reads at
         * midnight. Its reads so far are judged, so its peaks of those days are all in what it sends: the days are
         * the same as if its own next read had moved it on. A read of an earlier day that still comes (a late
         * shipper) counts in the task's current day, as any late read does.
         */
        private void follow() {
            long clock = shared.clockOfOthers(context.taskId().partition());
            if (clock != Long.MIN_VALUE && clock > recorder.day()) {
                advancePeerDay(clock);
                saveRecorder();
            }
        }

        @Override
        public void onEnd() {
            endPending = true;
            if (held.isEmpty()) {
                endInput();
            }
        }

        /** No read is held any more: the last peer days are sent, then the egress side hears that the reads ended. */
        private void endInput() {
            endPending = false;
            recorder.finishAll().forEach(this::sendPeerDay);
            recorderChanged = true;
            ended = true;
            sendWatermark(lastReadWall);
        }

        @Override
        public void onPeerDay(SharedPeerDays.Contribution contribution) {
            if (shared.accept(contribution)) {
                peerStore.put(SHARED_KEY, shared.encode());
            }
            release();
        }

        /**
         * A read arrives: judged at once unless it needs the shared baselines of its day before they are complete
         * (an account in cold start) or its account has a read held; then held, in arrival order. The task's clock
         * moves with it either way, and its scan closes the quiet incidents of every account without a held read.
         */
        private void admit(DbAccessEvent event) {
            advancePeerDay(day(event));
            long clockDay = recorder.day();
            if (!heldByAccount.containsKey(event.getAccount())) {
                boolean byPeers = judgedByPeers(event);
                if (!byPeers || shared.ready(clockDay)) {
                    judge(event, clockDay, scannedTo, byPeers);
                    closeQuietIncidents(EventClock.tick(event.getEventTime().toEpochMilli()));
                    return;
                }
            }
            Held read = new Held(nextHeld++, event.getAccount(), clockDay, scannedTo);
            peerStore.put(heldKey(read.sequence()), Held.encode(event, clockDay, scannedTo, eventCodec));
            enqueue(read);
            closeQuietIncidents(EventClock.tick(event.getEventTime().toEpochMilli()));
        }

        private void enqueue(Held read) {
            held.add(read);
            heldCount = held.size();
            heldByAccount
                    .computeIfAbsent(read.account(), a -> new ArrayDeque<>())
                    .add(read);
        }

        /**
         * Judges the held reads, in order, while the first is judged by its own history or its day's baselines are
         * complete. After each, its account's incident scans that ran while it was held are replayed up to its next
         * held read (or the task's clock): its incidents close at the minutes they would have closed at.
         */
        private void release() {
            while (!held.isEmpty()) {
                Held next = held.peek();
                String key = heldKey(next.sequence());
                DbAccessEvent event = Held.event(peerStore.get(key), eventCodec);
                boolean byPeers = judgedByPeers(event);
                if (byPeers && !shared.ready(next.day())) {
                    break;
                }
                held.poll();
                heldCount = held.size();
                String account = next.account();
                ArrayDeque<Held> ofAccount = heldByAccount.get(account);
                ofAccount.poll();
                if (ofAccount.isEmpty()) {
                    heldByAccount.remove(account);
                }
                peerStore.delete(key);
                judge(event, next.day(), next.clock(), byPeers);
                replayScans(
                        account,
                        next.clock(),
                        ofAccount.isEmpty() ? scannedTo : ofAccount.peek().clock());
                forgetHeldClock();
            }
            advancePeerDay(recorder.day());
            if (endPending && held.isEmpty()) {
                endInput();
            }
        }

        /**
         * Whether judging the read asks the peer baselines: one of the scopes it is profiled in is in cold start
         * for one of its windows (see {@link ReadDetector#judgesByPeers}). Exact: a read judged as established with
         * baselines that throw when asked.
         */
        private boolean judgedByPeers(DbAccessEvent event) {
            List<String> tables = profiledTables(event);
            if (tables.isEmpty()) {
                return false;
            }
            Instant at = event.getEventTime();
            for (String scope : tables) {
                if (detector.judgesByPeers(profiles.load(ProfileStore.key(event.getAccount(), scope), at), at)) {
                    return true;
                }
            }
            return detector.judgesByPeers(
                    profiles.load(ProfileStore.key(event.getAccount(), ScopeProfile.ALL_SENSITIVE), at), at);
        }

        private void judge(DbAccessEvent event, long clockDay, long clock, boolean byPeers) {
            judgingDay = clockDay;
            judgingClock = clock;
            if (byPeers) {
                long merged = shared.mergedThrough();
                judging = shared.forDay(clockDay);
                if (shared.mergedThrough() != merged) {
                    peerStore.put(SHARED_KEY, shared.encode());
                }
            } else {
                judging = established;
            }
            onReady(event);
        }

        /** Moves this task's peer day on; the days no held read can still teach go to every read task. */
        private void advancePeerDay(long day) {
            long before = recorder.day();
            List<SharedPeerDays.Contribution> done = recorder.advance(
                    day, held.isEmpty() ? Long.MAX_VALUE : held.peek().day());
            // The clock day is stored even when no day goes out (a held read keeps it open): a restarted task that
            // read it back older would hand over nothing once its held reads are judged (DetectorRestartIT).
            if (!done.isEmpty() || recorder.day() != before) {
                recorderChanged = true;
            }
            done.forEach(this::sendPeerDay);
        }

        /**
         * Reads a build that held every read stored (bare events, in order) are held again, in the task's current
         * clock day and minute.
         */
        private void holdLegacyWaiting() {
            List<String> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> stored =
                    peerStore.range(LEGACY_WAIT_PREFIX, LEGACY_WAIT_PREFIX + "~")) {
                stored.forEachRemaining(kv -> {
                    keys.add(kv.key);
                    values.add(kv.value);
                });
            }
            for (int i = 0; i < keys.size(); i++) {
                DbAccessEvent event = eventCodec.decode(values.get(i));
                Held read = new Held(nextHeld++, event.getAccount(), Math.max(recorder.day(), day(event)), scannedTo);
                peerStore.put(heldKey(read.sequence()), Held.encode(event, read.day(), read.clock(), eventCodec));
                peerStore.delete(keys.get(i));
                enqueue(read);
            }
        }

        private void sendPeerDay(SharedPeerDays.Contribution contribution) {
            if (sinks.peerDays() == null) {
                if (shared.accept(contribution)) {
                    peerStore.put(SHARED_KEY, shared.encode());
                }
                return;
            }
            context.forward(
                    new Record<String, Object>(
                            contribution.recordKey(),
                            contribution.encode(),
                            Math.max(0, Math.min(contribution.day(), Long.MAX_VALUE / DAY_MILLIS)) * DAY_MILLIS),
                    sinks.peerDays());
        }

        private void saveRecorder() {
            if (recorderChanged) {
                peerStore.put(RECORDER_KEY, recorder.encode());
                recorderChanged = false;
            }
        }

        @Override
        public void process(Record<String, ReadInput> record) {
            if (lastInputWall == Long.MAX_VALUE) {
                inputSinceTick = true;
            }
            try {
                record.value().dispatch(this);
                saveRecorder();
            } catch (RuntimeException e) {
                profiles.invalidate();
                throw e;
            }
        }

        /** An egress report on an incident: an escalation is published; a final report may complete its close. */
        @Override
        public void onEgress(EgressUpdate update) {
            if (update.getTableDecided()) {
                onTableDecided(update.getTable(), update.getAt().toEpochMilli());
                return;
            }
            if (update.getTableIncidentId() != null) {
                String key = TableLinks.linksKey(update.getAccount(), update.getTable());
                byte[] stored = incidentEgress.get(key);
                TableLinks links = stored == null ? TableLinks.none() : TableLinks.decode(stored);
                incidentEgress.put(
                        key,
                        links.with(update.getTableIncidentId(), update.getAt().toEpochMilli())
                                .encode());
                return;
            }
            byte[] stored = incidentEgress.get(update.getIncidentId());
            if (stored == null) {
                // An incident this task no longer waits for (a report of an earlier build, or state reset).
                metrics.suppression("stale_egress_report");
                return;
            }
            IncidentEgress state = IncidentEgress.decode(stored);
            byte[] evidenceBytes = AvroBytes.bytes(update.getEvidence());
            EgressEvidence evidence = evidenceBytes.length == 0 ? null : evidenceCodec.decode(evidenceBytes);
            String host = update.getSrcIp() == null ? "" : update.getSrcIp();
            if (state.weak()) {
                onWeakEgress(update, state, evidence, evidenceBytes, host);
                return;
            }
            if (!update.getFinalReport()) {
                if (evidence != null && update.getAlert() != null) {
                    ExfiltrationAlert read = alertCodec.decode(AvroBytes.bytes(update.getAlert()));
                    publish(incidents.escalation(read, evidence, state.ips().indexOf(host), update.getAt()));
                    incidentEgress.put(update.getIncidentId(), state.escalated().encode());
                }
                return;
            }
            state = state.answered(
                    host,
                    evidence == null ? null : evidenceBytes,
                    evidence == null ? -1 : evidence.getBytesOut(),
                    evidence == null ? List.of() : IncidentManager.destinations(evidence),
                    update.getUnusual());
            if (state.complete()) {
                EgressEvidence best = state.evidence() == null ? null : evidenceCodec.decode(state.evidence());
                publishClosed(incidents.closedWithEgress(
                        alertCodec.decode(state.closing()),
                        best,
                        state.unusual(),
                        state.egressTotal(),
                        state.destinations()));
                incidentEgress.delete(update.getIncidentId());
            } else {
                incidentEgress.put(update.getIncidentId(), state.encode());
            }
        }

        /**
         * An egress report on a weak read: unusual egress opens its READ_THEN_EGRESS incident (published now), and
         * the final report closes it; a weak read without unusual egress is forgotten, counted, never published.
         */
        private void onWeakEgress(
                EgressUpdate update, IncidentEgress state, EgressEvidence evidence, byte[] evidenceBytes, String host) {
            if (!update.getFinalReport()) {
                if (evidence != null && update.getAlert() != null && !state.unusual()) {
                    ExfiltrationAlert candidate = alertCodec.decode(AvroBytes.bytes(update.getAlert()));
                    ExfiltrationAlert opened =
                            publish(incidents.weakOpened(candidate, evidence, update.getAt(), weak.egressFloorBytes()));
                    incidentEgress.put(
                            update.getIncidentId(),
                            state.closed(alertCodec.encode(opened)).escalated().encode());
                }
                return;
            }
            boolean opened = state.unusual();
            state = state.answered(
                    host,
                    evidence == null ? null : evidenceBytes,
                    evidence == null ? -1 : evidence.getBytesOut(),
                    evidence == null ? List.of() : IncidentManager.destinations(evidence),
                    update.getUnusual());
            ExfiltrationAlert record = state.closing() == null ? null : alertCodec.decode(state.closing());
            if (record != null && !opened && update.getUnusual() && evidence != null) {
                // Unusual only by the final count (no boundary before it reached the floor): opened and closed now.
                record = publish(incidents.weakOpened(record, evidence, update.getAt(), weak.egressFloorBytes()));
                opened = true;
            }
            if (opened && record != null) {
                publishClosed(incidents.weakClosed(
                        record, evidence, state.egressTotal(), state.destinations(), update.getAt()));
            } else {
                metrics.suppression("weak_read_without_egress");
            }
            incidentEgress.delete(update.getIncidentId());
            String markKey = WeakMark.key(update.getAccount(), update.getTable());
            byte[] mark = incidentEgress.get(markKey);
            if (mark != null && WeakMark.decode(mark).incidentId().equals(update.getIncidentId())) {
                incidentEgress.delete(markKey);
            }
        }

        @Override
        public void onRead(DbAccessEvent event) {
            inputSinceTick = true;
            readSinceTick = true;
            if (!correlation.idle().isZero()) {
                lastReadWall = context.currentSystemTimeMs();
            }
            admit(event);
        }

        /** A read judged now: by its own history, or with its day's complete peer baselines. */
        private void onReady(DbAccessEvent event) {
            Optional<String> advice;
            synchronized (sourceAdvice) {
                advice = sourceAdvice.observe(event);
            }
            advice.ifPresent(a -> log.warn("{}", a));
            PersonalReads.Split split =
                    personalReads.split(event.getTables(), event.getDatabase(), event.getStatementFingerprint());
            List<String> tables = split.personal();
            // Tables the statement provably returns no personal column of (sensitive.columns): counted, not profiled.
            for (int i = 0; i < split.nonPersonal().size(); i++) {
                metrics.nonPersonalRead();
            }
            if (tables.isEmpty() && !split.nonPersonal().isEmpty()) {
                notePresence(event);
                metrics.event(SOURCE, "non_personal_columns");
            } else if (tables.isEmpty()) {
                notePresence(event);
                // A CALL on the member database may read the member table: counted apart, as blind spots.
                boolean blind = Boolean.TRUE.equals(event.getTablesUndetermined())
                        && settings.sensitiveTables().coversDatabase(event.getDatabase());
                metrics.event(SOURCE, blind ? "undetermined_on_sensitive_database" : "not_sensitive");
                if (blind) {
                    // Rows read this way are profiled as a table of their own (and in the all-tables scope): an
                    // extraction that hides its table still crosses the same thresholds, as its own alert kind.
                    profile(event, List.of(ScopeProfile.UNDETERMINED));
                }
            } else {
                metrics.event(SOURCE, "accepted");
                profile(event, tables);
                if (drifts != null) {
                    // A drift's records are published only: its reads are days old, too late to watch their egress.
                    drifts.observe(event, tables).forEach(this::publish);
                }
            }
        }

        /**
         * The tables {@link #onReady} profiles the read in (with the all-tables scope): its sensitive tables with
         * personal columns, or the undetermined table for a call on a sensitive database; none otherwise.
         */
        private List<String> profiledTables(DbAccessEvent event) {
            PersonalReads.Split split =
                    personalReads.split(event.getTables(), event.getDatabase(), event.getStatementFingerprint());
            if (!split.personal().isEmpty()) {
                return split.personal();
            }
            boolean blind = split.nonPersonal().isEmpty()
                    && Boolean.TRUE.equals(event.getTablesUndetermined())
                    && settings.sensitiveTables().coversDatabase(event.getDatabase());
            return blind ? List.of(ScopeProfile.UNDETERMINED) : List.of();
        }

        /**
         * A read of no sensitive table still says when the account works: its active hours learn the hour (written only
         * when the hour is new for the day, so at most once an hour per account). An account that has never read a
         * sensitive table has none to learn in.
         */
        private void notePresence(DbAccessEvent event) {
            if (settings.offHours() == null) {
                return;
            }
            Instant at = event.getEventTime();
            String key = ProfileStore.key(event.getAccount(), ScopeProfile.ALL_SENSITIVE);
            ScopeProfile all = profiles.load(key, at);
            if (all != null
                    && all.activeHours() != null
                    && all.activeHours().record(at, settings.offHours().zone())) {
                profiles.save(key, all, all.incident() != null);
            }
        }

        private void profile(DbAccessEvent event, List<String> tables) {
            Instant at = event.getEventTime();
            long rows = event.getRowsReturned();
            long bytes = event.getBytesReturned() == null ? 0 : event.getBytesReturned();
            // A grouped account is judged against its group's peers once they have enough account-days.
            PeerBaselines accountPeers = peerGroups.forAccount(
                    population,
                    event.getAccount(),
                    settings.volume().coldStart().minPeers());
            List<String> scopes = new ArrayList<>(tables);
            scopes.add(ScopeProfile.ALL_SENSITIVE);
            // When the account reads is kept on its all-tables profile, judged last: the tables are judged by it first.
            ScopeProfile all = profiles.load(ProfileStore.key(event.getAccount(), ScopeProfile.ALL_SENSITIVE), at);
            ActiveHours accountHours = all == null ? null : all.activeHours();
            for (String scope : scopes) {
                String key = ProfileStore.key(event.getAccount(), scope);
                // The all-tables profile was loaded above, and nothing since has changed it.
                ScopeProfile stored = ScopeProfile.ALL_SENSITIVE.equals(scope) ? all : profiles.load(key, at);
                ScopeProfile profile = stored == null
                        ? ScopeProfile.fresh(event.getAccount(), scope, settings.windows(), settings.historyDays(), at)
                        : stored;
                boolean hadIncident = profile.incident() != null;
                // An incident that went quiet before this read closes first, so this read can open a new one.
                incidents.closeIfQuiet(profile, at).ifPresent(c -> close(c, at));
                profile.noteEvidence(event.getClientIp(), event.getStatementFingerprint(), rows, at);
                List<WindowVerdict> verdicts = detector.observe(profile, at, rows, bytes, accountPeers, accountHours);
                // The open-incident scan runs only when the all-tables scope is about to open an incident.
                BooleanSupplier mayOpen = () -> !ScopeProfile.ALL_SENSITIVE.equals(scope)
                        || !profiles.otherScopeIncidentOpen(event.getAccount(), ScopeProfile.ALL_SENSITIVE, at);
                Optional<ExfiltrationAlert> alert = incidents.onRead(profile, verdicts, event, mayOpen);
                WeakRead weakRead = alert.isEmpty()
                                && profile.incident() == null
                                && tables.contains(scope)
                                && !ScopeProfile.UNDETERMINED.equals(scope)
                        ? detector.weak(profile, at, verdicts, accountHours, weak)
                        : null;
                profiles.save(key, profile, hadIncident);
                alert.ifPresent(this::emit);
                if (weakRead != null) {
                    watchWeak(profile, weakRead, event);
                }
            }
        }

        /**
         * Closes the incidents that went quiet by the event clock's new minute, when a read moves the clock to one.
         * Run by the read itself rather than by a stream-time punctuator: Kafka Streams punctuates after a batch of
         * records whose size depends on timing, and once more whenever a task starts, so the same input closed an
         * incident before one read in one run and after it in another (two instances published 1,067 alerts
         * where one published 1,069).
         */
        private void closeQuietIncidents(long clockMinute) {
            if (clockMinute <= scannedTo) {
                return;
            }
            scannedTo = clockMinute;
            judgingClock = clockMinute;
            if (!held.isEmpty()) {
                heldClock.add(clockMinute);
                peerStore.put(clockKey(clockMinute), new byte[0]);
            }
            Instant now = Instant.ofEpochMilli(clockMinute);
            for (String key : profiles.incidentsDueBy(clockMinute)) {
                if (!heldByAccount.isEmpty() && heldByAccount.containsKey(accountOf(key))) {
                    // Its held reads, judged later, may keep the incident open: replayed then (replayScans).
                    continue;
                }
                ScopeProfile profile = profiles.load(key, now);
                if (profile == null) {
                    profiles.forgetIncident(key);
                    continue;
                }
                Optional<ExfiltrationAlert> closed = incidents.closeIfQuiet(profile, now);
                profiles.save(key, profile, true);
                closed.ifPresent(c -> close(c, now));
            }
        }

        /**
         * The scans the task ran while {@code account} had a held read, replayed for its incidents once that read
         * is judged: over the clock minutes after {@code after} (the read's arrival minute) up to {@code upTo} (its
         * next held read's, or the task's clock), each incident closes at the first minute the task moved to at or
         * after it was due, as the scan would have closed it had the read been judged when it came.
         */
        private void replayScans(String account, long after, long upTo) {
            if (upTo <= after) {
                return;
            }
            String prefix = ProfileStore.key(account, "");
            for (String key : profiles.incidentsDueBy(upTo)) {
                if (!key.startsWith(prefix)) {
                    continue;
                }
                ScopeProfile profile = profiles.load(key, Instant.ofEpochMilli(upTo));
                if (profile == null) {
                    profiles.forgetIncident(key);
                    continue;
                }
                if (profile.incident() == null) {
                    profiles.save(key, profile, true);
                    continue;
                }
                long due = incidents.closeDue(profile.incident()).toEpochMilli();
                Long minute = heldClock.ceiling(Math.max(due, after + 1));
                if (minute == null || minute > upTo) {
                    continue;
                }
                judgingClock = minute;
                Instant now = Instant.ofEpochMilli(minute);
                Optional<ExfiltrationAlert> closed = incidents.closeIfQuiet(profile, now);
                profiles.save(key, profile, true);
                closed.ifPresent(c -> close(c, now));
            }
        }

        /** The clock minutes no held read needs any more: those up to the earliest held read's minute. */
        private void forgetHeldClock() {
            long keep = held.isEmpty() ? Long.MAX_VALUE : held.peek().clock();
            while (!heldClock.isEmpty() && heldClock.first() <= keep) {
                peerStore.delete(clockKey(heldClock.pollFirst()));
            }
        }

        private static String accountOf(String key) {
            return key.substring(0, key.indexOf('\u0000'));
        }

        /** A read-driven record: published, and the hosts it was read from are asked to watch its egress. */
        private void emit(ExfiltrationAlert unchecked) {
            ExfiltrationAlert alert = publish(unchecked);
            List<String> ips = ReadSignals.watched(alert);
            if (ips.isEmpty()) {
                return;
            }
            byte[] stored = incidentEgress.get(alert.getIncidentId());
            IncidentEgress state = stored == null
                    ? IncidentEgress.watching(ips)
                    : IncidentEgress.decode(stored).withIps(ips);
            incidentEgress.put(alert.getIncidentId(), state.encode());
            long checkpoint = checkpoint(alert.getDetectedAt());
            byte[] encoded = alertCodec.encode(alert);
            for (String ip : ips) {
                context.forward(
                        new Record<String, Object>(
                                ip,
                                ReadSignals.watch(alert, ip, checkpoint, encoded),
                                alert.getDetectedAt().toEpochMilli()),
                        sinks.signals());
            }
        }

        /**
         * A weak read: its candidate record goes to the egress side of its host, to be watched until the horizon. One
         * incident per account and table within a horizon: a read that keeps growing is signalled again under the
         * same incident id when its window's sum has grown by a quarter since the last signal.
         */
        private void watchWeak(ScopeProfile profile, WeakRead weakRead, DbAccessEvent event) {
            String ip = event.getClientIp();
            if (ip == null || ip.isEmpty()) {
                return;
            }
            long at = event.getEventTime().toEpochMilli();
            long rows = weakRead.verdict().observedRows();
            String markKey = WeakMark.key(profile.account(), profile.scope());
            byte[] stored = incidentEgress.get(markKey);
            WeakMark mark = stored == null ? null : WeakMark.decode(stored);
            boolean running = mark != null && at < mark.at() + weak.horizon().toMillis();
            byte[] watching = running ? incidentEgress.get(mark.incidentId()) : null;
            if (running && (watching == null || rows < mark.rows() * WEAK_GROWTH)) {
                return;
            }
            ExfiltrationAlert candidate = incidents.weakCandidate(profile, weakRead, event);
            if (running) {
                candidate = ExfiltrationAlert.newBuilder(candidate)
                        .setIncidentId(mark.incidentId())
                        .setAlertId(org.exfilguard.incident.Ids.alertId(mark.incidentId(), 0))
                        .build();
            }
            byte[] encoded = alertCodec.encode(candidate);
            IncidentEgress state = running ? IncidentEgress.decode(watching) : null;
            if (state == null) {
                incidentEgress.put(
                        candidate.getIncidentId(),
                        IncidentEgress.weakWatching(ip, encoded).encode());
                metrics.suppression("weak_read_watched");
            } else if (!state.unusual() && state.ips().contains(ip)) {
                incidentEgress.put(
                        candidate.getIncidentId(), state.closed(encoded).encode());
            } else {
                // Opened already, or read from another host (watched by its own incident after this one).
                return;
            }
            incidentEgress.put(markKey, new WeakMark(at, candidate.getIncidentId(), rows).encode());
            long checkpoint = checkpoint(event.getEventTime());
            context.forward(
                    new Record<String, Object>(ip, ReadSignals.weakWatch(candidate, ip, checkpoint, encoded), at),
                    sinks.signals());
        }

        /**
         * An incident's close: published at once when no host watches its egress; else held, and the hosts asked for
         * their final reports (the last of which publishes it, with the evidence).
         */
        private void close(ExfiltrationAlert closed, Instant now) {
            byte[] stored = incidentEgress.get(closed.getIncidentId());
            if (stored == null) {
                publishClosed(closed);
                return;
            }
            IncidentEgress state = IncidentEgress.decode(stored).closed(alertCodec.encode(closed));
            incidentEgress.put(closed.getIncidentId(), state.encode());
            Instant lastActivity = closed.getDetectedAt().minus(lifecycle.quietPeriod());
            long checkpoint = checkpoint(now);
            for (String ip : state.ips()) {
                context.forward(
                        new Record<String, Object>(
                                ip, ReadSignals.closing(closed, ip, lastActivity, checkpoint), Math.max(0, checkpoint)),
                        sinks.signals());
            }
        }

        /**
         * Publishes an incident's CLOSED record once the table profile has decided its table through the close, with
         * the TABLE_SURGE incidents that named the account meanwhile; held until then. The links are those of the
         * table's records up to the close, all of which the read task has once it has the table's decided mark (they
         * come before it on the same partition): the record is the same however late the mark arrives.
         */
        private void publishClosed(ExfiltrationAlert closed) {
            String table = closed.getTable();
            if (!tableLinks || ScopeProfile.ALL_SENSITIVE.equals(table) || ScopeProfile.UNDETERMINED.equals(table)) {
                publish(closed);
                return;
            }
            long closedAt = closed.getDetectedAt().toEpochMilli();
            byte[] decided = incidentEgress.get(TableLinks.decidedKey(table));
            if (decided != null && TableLinks.decodeDecided(decided) >= closedAt) {
                publish(linked(closed));
            } else {
                incidentEgress.put(
                        TableLinks.heldKey(table, closedAt, closed.getIncidentId()), alertCodec.encode(closed));
            }
        }

        /** The table profile has decided {@code table} through {@code through}: the closes it held go out, in order. */
        private void onTableDecided(String table, long through) {
            byte[] before = incidentEgress.get(TableLinks.decidedKey(table));
            if (before != null && TableLinks.decodeDecided(before) >= through) {
                return;
            }
            incidentEgress.put(TableLinks.decidedKey(table), TableLinks.encodeDecided(through));
            List<String> due = new ArrayList<>();
            List<byte[]> held = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it =
                    incidentEgress.range(TableLinks.heldPrefix(table), TableLinks.heldUpTo(table, through))) {
                it.forEachRemaining(kv -> {
                    due.add(kv.key);
                    held.add(kv.value);
                });
            }
            for (int i = 0; i < due.size(); i++) {
                publish(linked(alertCodec.decode(held.get(i))));
                incidentEgress.delete(due.get(i));
            }
        }

        /**
         * The CLOSED record with the table incidents of its table that named its account and were open while it was
         * ({@link TableLinks#openWithin}).
         */
        private ExfiltrationAlert linked(ExfiltrationAlert closed) {
            byte[] stored = incidentEgress.get(TableLinks.linksKey(closed.getAccount(), closed.getTable()));
            if (stored == null) {
                return closed;
            }
            long to = closed.getDetectedAt().toEpochMilli();
            long from =
                    closed.getFirstSeen() == null ? to : closed.getFirstSeen().toEpochMilli();
            List<String> ids = TableLinks.decode(stored).openWithin(from, to, tableQuietMillis);
            return ids.isEmpty()
                    ? closed
                    : ExfiltrationAlert.newBuilder(closed)
                            .setRelatedIncidentIds(ids)
                            .build();
        }

        /** The first minute boundary after the read at {@code at} that this task's watermark has not passed. */
        private long checkpoint(Instant at) {
            long floor = Math.max(EventClock.tick(at.toEpochMilli()), judgingClock);
            if (watermarkSent != Long.MAX_VALUE) {
                floor = Math.max(floor, watermarkSent);
            }
            return floor + EventClock.TICK_MILLIS;
        }

        /** Publishes a record (marked if an allow-list rule covers it) on the alert topics. */
        private ExfiltrationAlert publish(ExfiltrationAlert unchecked) {
            return publisher.publish(unchecked);
        }

        @Override
        public void close() {
            metrics.untrackKeys(this);
            metrics.untrackHeld(this);
            metrics.untrackProfileCache(this);
        }
    }
}
