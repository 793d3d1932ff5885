package org.exfilguard.topology;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
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

    /** A weak read is signalled again once its window's sum has grown by this factor since its last signal. */
    static final double WEAK_GROWTH = 1.25;

    /** The source tag of db-access events in metrics. */
    static final String SOURCE = "db-access";

    /** The child processors (sinks) the processor forwards to. */
    record Sinks(String alerts, List<RenderingSink> renderings, String signals) {}

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
        private ProcessorContext<String, Object> context;
        private AlertPublisher publisher;
        private KeyValueStore<String, byte[]> incidentEgress;
        /** The watermark last sent to the egress side (every later signal has a checkpoint after it). */
        private long watermarkSent = Long.MIN_VALUE;

        private long lastReadWall;
        private boolean idleSent;
        private boolean ended;
        private ProfileStore profiles;
        private StorePeerBaselines peers;
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
            this.peers = new StorePeerBaselines(context.getStateStore(StoreNames.PEER_BASELINES));
            this.drifts = drift.enabled()
                    ? new DriftScopes(
                            drift,
                            lifecycle.severities(),
                            detectorVersion,
                            context.getStateStore(StoreNames.DRIFT_STATE))
                    : null;
            metrics.trackKeys(this, profiles::approximateNumEntries);
            metrics.trackProfileCache(this, profiles::cacheHits, profiles::cacheMisses);
            // The task's stored clock is the minute its last scan closed up to (the scan runs with the read that moves
            // the clock, in the same transaction).
            KeyValueStore<String, Long> clock = context.getStateStore(StoreNames.EVENT_CLOCK);
            Long stored = clock.get(EventClock.KEY);
            scannedTo = stored == null ? Long.MIN_VALUE : stored;
            incidentEgress = context.getStateStore(StoreNames.INCIDENT_EGRESS);
            watermarkSent = Long.MIN_VALUE;
            idleSent = false;
            ended = false;
            lastReadWall = correlation.idle().isZero() ? 0 : context.currentSystemTimeMs();
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
                    && !correlation.idle().isZero()
                    && wallNow - lastReadWall >= correlation.idle().toMillis();
            long mark = ended ? Long.MAX_VALUE : scannedTo;
            boolean send = idle ? !idleSent : mark != Long.MIN_VALUE && (idleSent || mark > watermarkSent);
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

        @Override
        public void onEnd() {
            ended = true;
            sendWatermark(lastReadWall);
        }

        @Override
        public void process(Record<String, ReadInput> record) {
            try {
                record.value().dispatch(this);
                peers.flush();
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
            if (!correlation.idle().isZero()) {
                lastReadWall = context.currentSystemTimeMs();
            }
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
            closeQuietIncidents(EventClock.tick(event.getEventTime().toEpochMilli()));
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
                    peers, event.getAccount(), settings.volume().coldStart().minPeers());
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
            Instant now = Instant.ofEpochMilli(clockMinute);
            for (String key : profiles.incidentsDueBy(clockMinute)) {
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
            long floor = Math.max(EventClock.tick(at.toEpochMilli()), scannedTo);
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
            metrics.untrackProfileCache(this);
        }
    }
}
