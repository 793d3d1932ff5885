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
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.ReadDetector;
import org.exfilguard.detect.WindowVerdict;
import org.exfilguard.incident.IncidentManager;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.incident.AvroBytes;
import org.exfilguard.incident.EcsAlert;
import org.exfilguard.incident.OcsfFinding;
import org.exfilguard.ingest.SourceAdvice;
import org.exfilguard.suppress.AllowListSource;
import org.exfilguard.suppress.AllowRule;
import org.exfilguard.suppress.Candidate;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.state.EgressUpdate;
import org.exfilguard.schema.state.ReadSignal;
import org.exfilguard.schema.ExfiltrationAlert;

/**
 * The read-profile processor: per (account, sensitive table) and per account across all sensitive tables, adds
 * each read to the sliding windows, scores it against the learnt baseline and runs the incident lifecycle.
 * A thin adapter: the decisions are made by {@link ReadDetector} and {@link IncidentManager}.
 */
final class ReadProfileSupplier implements ProcessorSupplier<Object, Object, Object, Object> {

    /** Client ips of an incident whose egress is watched. */
    static final int WATCHED_IPS = 3;
    /** The source tag of db-access events in metrics. */
    static final String SOURCE = "db-access";

    private final DetectionSettings settings;
    private final String detectorVersion;
    private final DetectorMetrics metrics;
    private final AllowListSource allowList;
    private final String alertsChild;
    private final String alertsJsonChild;
    private final String alertsEcsChild;
    private final String signalsChild;
    /** Bytes of encoded profiles each task keeps in memory in front of its store. */
    private final long profileCacheBytes;
    private final Clock wallClock;
    /** Shared by the supplier's tasks, so each piece of advice on the sources is logged once per process. */
    private final SourceAdvice sourceAdvice = new SourceAdvice();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReadProfileSupplier.class);

    ReadProfileSupplier(DetectionSettings settings, String detectorVersion, DetectorMetrics metrics,
                        AllowListSource allowList, long profileCacheBytes, String alertsChild, String alertsJsonChild,
                        String alertsEcsChild, String signalsChild, Clock wallClock) {
        this.alertsEcsChild = alertsEcsChild;
        this.wallClock = wallClock;
        this.profileCacheBytes = profileCacheBytes;
        this.allowList = allowList;
        this.alertsJsonChild = alertsJsonChild;
        this.settings = settings;
        this.detectorVersion = detectorVersion;
        this.metrics = metrics;
        this.alertsChild = alertsChild;
        this.signalsChild = signalsChild;
    }

    @Override
    public Processor<Object, Object, Object, Object> get() {
        return new ReadProfileProcessor();
    }

    private final class ReadProfileProcessor implements Processor<Object, Object, Object, Object> {

        private final ReadDetector detector = new ReadDetector(settings);
        private final IncidentManager incidents = new IncidentManager(settings, detectorVersion);
        private final ProfileCodec codec = new ProfileCodec(settings);
        private final AvroBytes<EgressEvidence> evidenceCodec = new AvroBytes<>(EgressEvidence.class);
        private ProcessorContext<Object, Object> context;
        private KeyValueStore<String, byte[]> profiles;
        private OpenIncidentIndex openIncidents;
        private StorePeerBaselines peers;
        private final ProfileBytesCache cache = new ProfileBytesCache(profileCacheBytes);
        private final HotProfiles hot = new HotProfiles(profileCacheBytes == 0 ? 0 : HotProfiles.CAPACITY);
        /** The event-clock minute up to which quiet incidents have been closed. */
        private long scannedTo;

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.context = context;
            this.profiles = context.getStateStore(StoreNames.READ_PROFILES);
            this.openIncidents = new OpenIncidentIndex(context.getStateStore(StoreNames.OPEN_INCIDENTS));
            this.peers = new StorePeerBaselines(context.getStateStore(StoreNames.PEER_BASELINES));
            // A task (re)initialised from its changelog starts with an empty cache: the store is the truth.
            cache.clear();
            hot.clear();
            metrics.trackKeys(this, profiles::approximateNumEntries);
            metrics.trackProfileCache(this, () -> hot.hits() + cache.hits(), cache::misses);
            // The task's stored clock is the minute its last scan closed up to (the scan runs with the read that moves
            // the clock, in the same transaction).
            KeyValueStore<String, Long> clock = context.getStateStore(StoreNames.EVENT_CLOCK);
            Long stored = clock.get(EventClock.KEY);
            scannedTo = stored == null ? Long.MIN_VALUE : stored;
        }

        @Override
        public void process(Record<Object, Object> record) {
            try {
                if (record.value() instanceof EgressUpdate update) {
                    onEgress(update);
                } else {
                    DbAccessEvent event = (DbAccessEvent) record.value();
                    onRead(event);
                    closeQuietIncidents(EventClock.tick(event.getEventTime().toEpochMilli()));
                }
                peers.flush();
            } catch (RuntimeException e) {
                // A profile may have been changed and not written: the decoded copies are no longer the store's.
                hot.clear();
                throw e;
            }
        }

        private void onEgress(EgressUpdate update) {
            String key = key(update.getAccount(), update.getTable());
            ScopeProfile profile = load(key, update.getAt());
            if (profile == null) {
                return;
            }
            Optional<ExfiltrationAlert> alert = incidents.onEgress(profile, update.getIncidentId(),
                    evidenceCodec.decode(AvroBytes.bytes(update.getEvidence())), update.getUnusual(),
                    update.getFinalReport(), update.getAt());
            save(key, profile, true);
            alert.ifPresent(this::emit);
        }

        private void onRead(DbAccessEvent event) {
            Optional<String> advice;
            synchronized (sourceAdvice) {
                advice = sourceAdvice.observe(event);
            }
            advice.ifPresent(a -> log.warn("{}", a));
            List<String> tables = settings.sensitiveTables().match(event.getTables(), event.getDatabase());
            if (tables.isEmpty()) {
                // A CALL on the member database may read the member table: counted apart, as blind spots.
                boolean blind = Boolean.TRUE.equals(event.getTablesUndetermined()) && settings.sensitiveTables().coversDatabase(event.getDatabase());
                metrics.event(SOURCE, blind ? "undetermined_on_sensitive_database" : "not_sensitive");
                return;
            }
            metrics.event(SOURCE, "accepted");
            Instant at = event.getEventTime();
            long rows = event.getRowsReturned();
            long bytes = event.getBytesReturned() == null ? 0 : event.getBytesReturned();
            List<String> scopes = new ArrayList<>(tables);
            scopes.add(ScopeProfile.ALL_SENSITIVE);
            for (String scope : scopes) {
                String key = key(event.getAccount(), scope);
                ScopeProfile stored = load(key, at);
                ScopeProfile profile = stored == null
                        ? ScopeProfile.fresh(event.getAccount(), scope, settings.windows(), settings.historyDays(), at)
                        : stored;
                boolean hadIncident = profile.incident() != null;
                // An incident that went quiet before this read closes first, so this read can open a new one.
                incidents.closeIfQuiet(profile, at).ifPresent(this::emit);
                profile.noteEvidence(event.getClientIp(), event.getStatementFingerprint(), rows, at);
                List<WindowVerdict> verdicts = detector.observe(profile, at, rows, bytes, peers);
                // The open-incident scan runs only when the all-tables scope is about to open an incident.
                BooleanSupplier mayOpen = () -> !ScopeProfile.ALL_SENSITIVE.equals(scope) || !tableIncidentOpen(event.getAccount(), at);
                Optional<ExfiltrationAlert> alert = incidents.onRead(profile, verdicts, event, mayOpen);
                save(key, profile, hadIncident);
                alert.ifPresent(this::emit);
            }
        }

        /** Whether another of the account's tables has an incident that is still open at {@code at} (not yet quiet). */
        private boolean tableIncidentOpen(String account, Instant at) {
            return openIncidents.anyOpenWithPrefixExcept(account + '\u0000', key(account, ScopeProfile.ALL_SENSITIVE),
                    at.toEpochMilli());
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
            for (String key : openIncidents.dueBy(clockMinute)) {
                ScopeProfile profile = load(key, now);
                if (profile == null) {
                    openIncidents.remove(key);
                    continue;
                }
                Optional<ExfiltrationAlert> closed = incidents.closeIfQuiet(profile, now);
                save(key, profile, true);
                closed.ifPresent(this::emit);
            }
        }

        /**
         * The stored profile of a key (null if none): the decoded copy when it is hot, else decoded from the cached or
         * stored bytes ({@code at} only dates windows the stored profile lacks).
         */
        private ScopeProfile load(String key, Instant at) {
            ScopeProfile decoded = hot.get(key);
            if (decoded != null) {
                return decoded;
            }
            byte[] bytes = cache.get(key);
            if (bytes == null) {
                bytes = profiles.get(key);
                cache.put(key, bytes);
            }
            return bytes == null ? null : codec.decode(bytes, at);
        }

        private void save(String key, ScopeProfile profile, boolean hadIncident) {
            byte[] encoded = codec.encode(profile);
            profiles.put(key, encoded);
            cache.put(key, encoded);
            hot.put(key, profile);
            if (profile.incident() == null) {
                if (hadIncident) {
                    openIncidents.remove(key);
                }
            } else {
                openIncidents.put(key, incidents.closeDue(profile.incident()).toEpochMilli());
            }
        }

        private void emit(ExfiltrationAlert unchecked) {
            ExfiltrationAlert alert = suppress(unchecked);
            metrics.alert(alert.getSeverity().name(), alert.getKind().name(), alert.getStatus().name());
            long at = alert.getDetectedAt().toEpochMilli();
            // Alert records carry the wall time they were published, not the event time (that is in the payload,
            // detected_at): an alert topic ages its segments by record timestamp, and the alerts of a replay of
            // weeks-old logs stamped with event time would be deleted before a SIEM read them.
            long published = wallClock.millis();
            context.forward(new Record<Object, Object>(alert.getAccount(), alert, published), alertsChild);
            context.forward(new Record<Object, Object>(alert.getAccount(), OcsfFinding.render(alert), published), alertsJsonChild);
            context.forward(new Record<Object, Object>(alert.getAccount(), EcsAlert.render(alert), published), alertsEcsChild);
            if (alert.getStatus() != AlertStatus.CLOSED) {
                // Ask the egress side to watch the reading hosts for the data leaving.
                for (String ip : alert.getClientIps().subList(0, Math.min(WATCHED_IPS, alert.getClientIps().size()))) {
                    ReadSignal signal = ReadSignal.newBuilder().setClientIp(ip).setAccount(alert.getAccount())
                            .setAt(alert.getDetectedAt()).setIncidentId(alert.getIncidentId()).setTable(alert.getTable())
                            .setReadStart(alert.getFirstSeen()).setRows(alert.getObservedRows())
                            .setBytes(alert.getObservedBytes() == null ? 0 : alert.getObservedBytes()).build();
                    context.forward(new Record<Object, Object>(ip, signal, at), signalsChild);
                }
            }
        }

        /**
         * Marks an alert that an allow-list rule or maintenance window covers. It is still published, marked and
         * counted: a suppression must stay visible to the analyst who owns the rule.
         */
        private ExfiltrationAlert suppress(ExfiltrationAlert alert) {
            List<String> destinations = alert.getEgress() == null ? List.of()
                    : alert.getEgress().getDestinations().stream().map(d -> d.getDstIp()).toList();
            // Judged at the incident's start, so an incident that began inside a window stays suppressed in all
            // its records, including the update or close that falls after the window.
            Instant began = alert.getFirstSeen() != null ? alert.getFirstSeen() : alert.getDetectedAt();
            Optional<AllowRule> rule = allowList.current().match(new Candidate(alert.getAccount(), alert.getTable(),
                    alert.getClientIps(), destinations, began));
            if (rule.isEmpty()) {
                return alert;
            }
            metrics.suppression("allow_list");
            AllowRule r = rule.get();
            return ExfiltrationAlert.newBuilder(alert).setSuppressed(true)
                    .setSuppressionReason("allow-list rule " + r.id() + " (owner " + r.owner() + "): " + r.reason())
                    .build();
        }

        @Override
        public void close() {
            metrics.untrackKeys(this);
            metrics.untrackProfileCache(this);
        }
    }

    static String key(String account, String scope) {
        return account + '\u0000' + scope;
    }
}
