package org.exfilguard.topology;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.PersonalReads;
import org.exfilguard.profile.WindowProfile;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.state.EgressUpdate;

/**
 * Re-keys the sensitive reads of a read task by table for the table profile (the repartition through
 * {@code exfil-table-reads} that spreads the tables over the cluster), summed first: the task keeps the rows of its
 * current minute per (table, account) and sends them when its event clock leaves that minute, so the topic carries
 * one record per (table, account, minute) and task instead of one per read. Every read moves the clock; a read older
 * than the current minute counts in it (it never falls before a minute already sent), so what is sent depends on
 * the task's input alone, not on timing. Every table task is told how far the sums have come (a watermark: no
 * later sum of this task is for an earlier minute), and decides a minute only once every read task has passed it.
 *
 * <p>The current minute's sums are in {@link StoreNames#TABLE_KEY_BUFFER} (changelogged, behind the record cache),
 * so a task that moves to another instance resumes with them; an entry of an earlier minute was sent already.
 */
final class TableKeySupplier implements ProcessorSupplier<String, ReadInput, String, byte[]> {

    /** A watermark goes out with the sums at least this often in event time (and by wall time, see below). */
    static final long WATERMARK_EVERY_MINUTES = 15;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TableKeySupplier.class);
    private static final String CLOCK = "clock";
    /** Layout version of the buffer's values (a version byte, then varints). */
    static final int BUFFER_VERSION = 1;

    private static final char SEP = '\u0000';

    private final DetectionSettings detection;
    private final Correlation correlation;
    private final String sink;

    TableKeySupplier(DetectionSettings detection, Correlation correlation, String sink) {
        this.detection = detection;
        this.correlation = correlation;
        this.sink = sink;
    }

    @Override
    public Processor<String, ReadInput, String, byte[]> get() {
        return new TableKeyProcessor();
    }

    private final class TableKeyProcessor implements Processor<String, ReadInput, String, byte[]>, ReadInput.Handler {

        private ProcessorContext<String, byte[]> context;
        /** The table profile counts what the account profiles count: no read of a table's non-personal columns. */
        private final PersonalReads personalReads = detection.personalReads();

        private KeyValueStore<String, byte[]> store;
        /** Rows of the current minute by table, then account (sorted: the same sums go out in the same order). */
        private final Map<String, Map<String, Long>> buffer = new TreeMap<>();
        /** The current minute (epoch minutes): the minute of the sums in the buffer. */
        private long current;
        /** Every minute up to this one has been sent: no later sum of this task is for it. */
        private long complete;
        /** The watermark last sent (the least minute this task may still send sums for). */
        private long markSent;

        private long lastReadWall;
        private boolean idleSent;
        /** Since this task started here: sensitive reads (one per matched table), sums and watermarks sent. */
        private long reads;

        private long sums;
        private long marks;

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(StoreNames.TABLE_KEY_BUFFER);
            buffer.clear();
            current = Long.MIN_VALUE;
            complete = Long.MIN_VALUE;
            Map<String, long[]> stored = new TreeMap<>();
            try (KeyValueIterator<String, byte[]> it = store.all()) {
                while (it.hasNext()) {
                    var kv = it.next();
                    StateBytes.Reader in = new StateBytes.Reader(kv.value, 0);
                    int version = in.readByte();
                    if (version != BUFFER_VERSION) {
                        throw new IllegalStateException(
                                StoreNames.TABLE_KEY_BUFFER + " has layout version " + version
                                        + "; this detector reads " + BUFFER_VERSION
                                        + " (state written by a newer version: roll back the upgrade, or reset the application)");
                    }
                    if (CLOCK.equals(kv.key)) {
                        current = in.readLong();
                        complete = in.readLong();
                    } else {
                        stored.put(kv.key, new long[] {in.readLong(), in.readLong()});
                    }
                }
            }
            // Only the sums of the current minute are still to send; the others were sent and are overwritten later.
            stored.forEach((key, minuteAndRows) -> {
                if (minuteAndRows[0] == current && complete < current) {
                    int sep = key.indexOf(SEP);
                    buffer.computeIfAbsent(key.substring(0, sep), t -> new TreeMap<>())
                            .put(key.substring(sep + 1), minuteAndRows[1]);
                }
            });
            markSent = Long.MIN_VALUE;
            idleSent = false;
            lastReadWall = context.currentSystemTimeMs();
            WallClockPunctuation.schedule(
                    context, correlation.watermarkInterval(), "table watermark", this::onWallClock);
        }

        /**
         * Sends the watermark if it moved since last sent. In a live run, a task without reads for the idle time
         * sends its sums and says it is idle, and the table side stops waiting for it.
         */
        private void onWallClock(long wallNow) {
            boolean idle = !correlation.idle().isZero()
                    && current != Long.MIN_VALUE
                    && wallNow - lastReadWall >= correlation.idle().toMillis();
            if (idle && !idleSent) {
                flush();
                complete = Math.max(complete, current);
                saveClock();
                watermark(next(), true);
                idleSent = true;
            } else if (!idle) {
                sendWatermarkIfMoved();
            }
        }

        @Override
        public void process(Record<String, ReadInput> record) {
            record.value().dispatch(this);
        }

        @Override
        public void onRead(DbAccessEvent event) {
            lastReadWall = context.currentSystemTimeMs();
            long minute = Math.floorDiv(event.getEventTime().toEpochMilli(), EventClock.TICK_MILLIS);
            // A read of an earlier minute than the current one counts in the current one; after an idle flush, in the
            // minute after those sent.
            long target = Math.max(minute, current);
            if (complete != Long.MIN_VALUE && complete != Long.MAX_VALUE) {
                target = Math.max(target, complete + 1);
            }
            if (target > current) {
                flush();
                complete = current == Long.MIN_VALUE ? target - 1 : Math.max(complete, target - 1);
                current = target;
                saveClock();
                if (idleSent || markSent == Long.MIN_VALUE || next() - markSent >= WATERMARK_EVERY_MINUTES) {
                    watermark(next(), false);
                    idleSent = false;
                }
            }
            List<String> matched = personalReads
                    .split(event.getTables(), event.getDatabase(), event.getStatementFingerprint())
                    .personal();
            for (String table : matched) {
                reads++;
                long rows = buffer.computeIfAbsent(table, t -> new TreeMap<>())
                        .merge(event.getAccount(), event.getRowsReturned(), WindowProfile::saturatedAdd);
                // Keyed by (table, account), not minute, and never deleted: a busy account's key is rewritten in place,
                // so the record cache sends it to the changelog once per commit, not a put and a tombstone a minute.
                store.put(
                        bufferKey(table, event.getAccount()),
                        new StateBytes.Writer()
                                .writeByte(BUFFER_VERSION)
                                .writeLong(current)
                                .writeLong(rows)
                                .toByteArray());
            }
        }

        /** The least minute this task may still send sums for. */
        private long next() {
            return complete == Long.MAX_VALUE ? Long.MAX_VALUE : complete + 1;
        }

        private void sendWatermarkIfMoved() {
            if (complete != Long.MIN_VALUE && next() > markSent) {
                watermark(next(), false);
            }
        }

        /** Sends the current minute's sums, one record per (table, account), and empties the buffer. */
        private void flush() {
            if (buffer.isEmpty()) {
                return;
            }
            long at = Math.max(0, current * EventClock.TICK_MILLIS);
            for (Map.Entry<String, Map<String, Long>> t : buffer.entrySet()) {
                for (Map.Entry<String, Long> a : t.getValue().entrySet()) {
                    byte[] sum = TableReads.encode(new TableReads.Read(a.getKey(), a.getValue(), current));
                    context.forward(new Record<>(t.getKey(), sum, at), sink);
                    sums++;
                }
            }
            buffer.clear();
        }

        private void saveClock() {
            store.put(
                    CLOCK,
                    new StateBytes.Writer()
                            .writeByte(BUFFER_VERSION)
                            .writeLong(current)
                            .writeLong(complete)
                            .toByteArray());
        }

        private void watermark(long minute, boolean idle) {
            byte[] mark =
                    TableReads.encode(new TableReads.Watermark(context.taskId().partition(), minute, idle));
            long at = minute == Long.MAX_VALUE ? current : minute;
            long millis = at == Long.MIN_VALUE ? 0 : Math.max(0, at * EventClock.TICK_MILLIS);
            context.forward(new Record<>("", mark, millis), sink);
            marks++;
            markSent = minute;
        }

        @Override
        public void close() {
            log.info(
                    "table-key task {}: {} sensitive reads sent to the table profile as {} per-minute sums and {}"
                            + " watermarks",
                    context.taskId(),
                    reads,
                    sums,
                    marks);
        }

        @Override
        public void onEgress(EgressUpdate update) {
            // Not routed here: egress evidence goes to the read profile only.
        }

        @Override
        public void onPeerDay(org.exfilguard.detect.SharedPeerDays.Contribution contribution) {
            // Not routed here: peer peaks go to the read profile only.
        }

        @Override
        public void onEnd() {
            flush();
            complete = Long.MAX_VALUE;
            saveClock();
            watermark(Long.MAX_VALUE, false);
        }
    }

    private static String bufferKey(String table, String account) {
        return table + SEP + account;
    }
}
