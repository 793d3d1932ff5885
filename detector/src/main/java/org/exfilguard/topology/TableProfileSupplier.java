package org.exfilguard.topology;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.TableDetector;
import org.exfilguard.detect.TableSettings;
import org.exfilguard.incident.TableIncidents;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.profile.TableProfile;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.Contributor;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.state.EgressUpdate;
import org.exfilguard.suppress.AlertSuppressor;

/**
 * The table-profile processor, keyed by sensitive table: sums each table's reads per minute and account as they
 * arrive, and decides a minute only once every read task's watermark has passed it, so every read of that minute
 * is in, whichever task sent it and whenever it arrived. Minutes are then decided in order, per table, by
 * {@link TableDetector} and {@link TableIncidents}: the same logs give the same records on every run.
 */
final class TableProfileSupplier implements ProcessorSupplier<String, byte[], String, Object> {

    static final String DECIDED = "decided";

    private final TableSettings settings;
    private final String detectorVersion;
    private final AlertSuppressor suppressor;
    private final DetectorMetrics metrics;
    private final ReadProfileSupplier.Sinks sinks;
    private final Clock wallClock;
    private final int readPartitions;
    /** The sink of the links and decided marks to the read side (exfil-egress-updates). */
    private final String linksSink;

    TableProfileSupplier(
            TableSettings settings,
            String detectorVersion,
            AlertSuppressor suppressor,
            DetectorMetrics metrics,
            ReadProfileSupplier.Sinks sinks,
            Clock wallClock,
            int readPartitions,
            String linksSink) {
        this.settings = settings;
        this.detectorVersion = detectorVersion;
        this.suppressor = suppressor;
        this.metrics = metrics;
        this.sinks = sinks;
        this.wallClock = wallClock;
        this.readPartitions = readPartitions;
        this.linksSink = linksSink;
    }

    @Override
    public Processor<String, byte[], String, Object> get() {
        return new TableProfileProcessor();
    }

    private final class TableProfileProcessor implements Processor<String, byte[], String, Object> {

        private final TableDetector detector = new TableDetector(settings);
        private final TableIncidents incidents = new TableIncidents(settings, detectorVersion);
        private final TableProfileCodec codec = new TableProfileCodec(settings);
        private ProcessorContext<String, Object> context;
        private AlertPublisher publisher;
        private KeyValueStore<String, byte[]> profiles;
        private KeyValueStore<String, byte[]> pending;
        private KeyValueStore<String, Long> clock;
        /** Decoded profiles of this task's tables (a handful: the sensitive tables). */
        private final Map<String, TableProfile> decoded = new HashMap<>();
        /**
         * Decoded pending minutes of this task, write-through like {@link HotCache}: in a busy minute each read of a
         * table decoded, copied into sorted order and re-encoded the minute's whole account map, a third of the stream
         * thread in {@code bench latency --mix realistic} once thousands of accounts read in a minute. Holds the
         * undecided minutes only (an entry goes when its minute is decided), as the store does.
         */
        private final Map<String, TreeMap<String, Long>> pendingRows = new HashMap<>();
        /** The last minute decided (all before it too). */
        private long decided;
        /** The tables this task has state for: a handful, so each decision looks at each one's pending range only. */
        private final java.util.SortedSet<String> tables = new java.util.TreeSet<>();

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.publisher = new AlertPublisher(suppressor, metrics, wallClock, sinks, context);
            profiles = context.getStateStore(StoreNames.TABLE_PROFILES);
            pending = context.getStateStore(StoreNames.TABLE_PENDING);
            clock = context.getStateStore(StoreNames.TABLE_CLOCK);
            Long stored = clock.get(DECIDED);
            decided = stored == null ? Long.MIN_VALUE : stored;
            decoded.clear();
            pendingRows.clear();
            tables.clear();
            try (KeyValueIterator<String, byte[]> it = profiles.all()) {
                it.forEachRemaining(kv -> tables.add(kv.key));
            }
            try (KeyValueIterator<String, byte[]> it = pending.all()) {
                it.forEachRemaining(kv -> tables.add(kv.key.substring(0, kv.key.lastIndexOf('\u0000'))));
            }
        }

        @Override
        public void process(Record<String, byte[]> record) {
            try {
                TableReads.Value value = TableReads.decode(record.value());
                if (value instanceof TableReads.Read read) {
                    onRead(record.key(), read);
                } else if (value instanceof TableReads.Watermark mark) {
                    onWatermark(mark, record.timestamp());
                }
            } catch (RuntimeException e) {
                decoded.clear();
                pendingRows.clear();
                throw e;
            }
        }

        private void onRead(String table, TableReads.Read read) {
            // A read for a minute already decided (only after a task was given up on as idle) counts in the next.
            long minute = decided == Long.MIN_VALUE || decided == Long.MAX_VALUE
                    ? read.minute()
                    : Math.max(read.minute(), decided + 1);
            tables.add(table);
            String key = pendingKey(table, minute);
            TreeMap<String, Long> rows = pendingRows.get(key);
            if (rows == null) {
                byte[] stored = pending.get(key);
                rows = stored == null ? new TreeMap<>() : new TreeMap<>(codec.decodePending(stored));
            }
            rows.merge(read.account(), read.rows(), org.exfilguard.profile.WindowProfile::saturatedAdd);
            pending.put(key, codec.encodePending(rows));
            pendingRows.put(key, rows);
        }

        private void onWatermark(TableReads.Watermark mark, long timestamp) {
            if (mark.source() < 0 || mark.source() >= readPartitions) {
                return;
            }
            Long before = clock.get(readKey(mark.source()));
            if (before == null || mark.minute() > before || mark.idle() != isIdle(mark.source())) {
                clock.put(readKey(mark.source()), before == null ? mark.minute() : Math.max(before, mark.minute()));
                clock.put(idleKey(mark.source()), mark.idle() ? 1L : 0L);
            }
            long bound = bound();
            if (bound != Long.MIN_VALUE && bound - 1 > decided) {
                decideTo(bound == Long.MAX_VALUE ? Long.MAX_VALUE : bound - 1);
                sendDecided(timestamp);
            }
        }

        private boolean isIdle(int source) {
            Long idle = clock.get(idleKey(source));
            return idle != null && idle == 1L;
        }

        /** The first minute some read task may still send reads for: the least watermark of the tasks waited for. */
        private long bound() {
            long least = Long.MAX_VALUE;
            long most = Long.MIN_VALUE;
            boolean waited = false;
            for (int p = 0; p < readPartitions; p++) {
                Long mark = clock.get(readKey(p));
                if (mark == null) {
                    return Long.MIN_VALUE;
                }
                most = Math.max(most, mark);
                if (!isIdle(p)) {
                    least = Math.min(least, mark);
                    waited = true;
                }
            }
            return waited ? least : most;
        }

        /** Decides every pending minute up to {@code upTo}, per table in order, then closes what went quiet. */
        private void decideTo(long upTo) {
            long next = upTo == Long.MAX_VALUE ? Long.MAX_VALUE : upTo + 1;
            for (String table : tables) {
                List<KeyValue<String, byte[]>> due = new ArrayList<>();
                try (KeyValueIterator<String, byte[]> it =
                        pending.range(pendingKey(table, 0), pendingKey(table, upTo))) {
                    it.forEachRemaining(due::add);
                }
                if (due.isEmpty() && profiles.get(table) == null && !decoded.containsKey(table)) {
                    continue;
                }
                TableProfile profile = load(table);
                boolean changed = false;
                for (KeyValue<String, byte[]> kv : due) {
                    long minute = Long.parseLong(kv.key.substring(kv.key.lastIndexOf('\u0000') + 1), 16);
                    incidents.closeIfQuiet(profile, minute).ifPresent(this::publish);
                    List<TableDetector.Verdict> verdicts =
                            detector.observe(profile, minute, codec.decodePending(kv.value));
                    incidents.onMinute(profile, verdicts).ifPresent(this::publish);
                    pending.delete(kv.key);
                    pendingRows.remove(kv.key);
                    changed = true;
                }
                // An incident of a table without reads since closes when its quiet period is over.
                Optional<ExfiltrationAlert> closed = incidents.closeIfQuiet(profile, next);
                closed.ifPresent(this::publish);
                if (changed || closed.isPresent()) {
                    save(profile);
                }
            }
            decided = upTo;
            clock.put(DECIDED, decided);
        }

        /**
         * Tells every read task how far each table is decided: every link of a record whose window ended by then
         * was sent before this, on the same partitions, so a read task that has this mark has them all.
         */
        private void sendDecided(long timestamp) {
            long through = decided == Long.MAX_VALUE ? Long.MAX_VALUE : (decided + 1) * 60_000L;
            for (String table : tables) {
                context.forward(
                        new Record<String, Object>("", link("", table, through, null, true), Math.max(0, timestamp)),
                        linksSink);
            }
        }

        /** A table record that names accounts: each of them is told, keyed by account, for its own incident. */
        private void sendLinks(ExfiltrationAlert alert) {
            if (alert.getStatus() == AlertStatus.CLOSED) {
                return;
            }
            long at = alert.getWindowEnd().toEpochMilli();
            for (Contributor c : alert.getContributors()) {
                context.forward(
                        new Record<String, Object>(
                                c.getAccount(),
                                link(c.getAccount(), alert.getTable(), at, alert.getIncidentId(), false),
                                at),
                        linksSink);
            }
        }

        private TableProfile load(String table) {
            TableProfile profile = decoded.get(table);
            if (profile == null) {
                byte[] stored = profiles.get(table);
                profile = stored == null
                        ? new TableProfile(
                                table, settings.zone(), settings.windows().size(), settings.historyDays())
                        : codec.decode(stored);
                decoded.put(table, profile);
            }
            return profile;
        }

        private void save(TableProfile profile) {
            profiles.put(profile.table(), codec.encode(profile));
        }

        /** Publishes a record (marked if an allow-list rule covers it) on the alert topics. */
        private void publish(ExfiltrationAlert unchecked) {
            sendLinks(publisher.publish(unchecked));
        }
    }

    /** A message to the read side on exfil-egress-updates: a link (of {@code tableIncidentId}) or a decided mark. */
    static EgressUpdate link(String account, String table, long at, String tableIncidentId, boolean decided) {
        return EgressUpdate.newBuilder()
                .setAccount(account)
                .setIncidentId("")
                .setTable(table)
                .setAt(Instant.ofEpochMilli(at))
                .setUnusual(false)
                .setFinalReport(false)
                .setEvidence(ByteBuffer.wrap(new byte[0]))
                .setTableIncidentId(tableIncidentId)
                .setTableDecided(decided)
                .build();
    }

    /** Pending minutes sort by table, then minute (fixed-width hex of a non-negative epoch minute). */
    static String pendingKey(String table, long minute) {
        return table + '\u0000' + String.format("%016x", Math.max(0, minute));
    }

    private static String readKey(int source) {
        return "read/" + source;
    }

    private static String idleKey(int source) {
        return "idle/" + source;
    }
}
