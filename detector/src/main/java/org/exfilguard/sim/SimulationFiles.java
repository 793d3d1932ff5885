package org.exfilguard.sim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.exfilguard.avro.JsonRecords;

/** Streams a simulation to files in one pass: the real log formats, canonical JSON lines, and the truth. */
public final class SimulationFiles {
    public static final String SLOW_LOG = "mysql-slow.log";
    public static final String CONN_LOG = "conn.log";
    public static final String DB_JSONL = "db-access.jsonl";
    public static final String EGRESS_JSONL = "egress.jsonl";
    public static final String TRUTH_JSONL = "truth.jsonl";

    /** Which renderings to write. */
    public enum Format {
        /** MySQL slow query log and Zeek conn.log: what the parsers read. */
        SLOWLOG,
        /** Canonical events as JSON lines. */
        CANONICAL
    }

    /** What was written. */
    public record Summary(
            long dbEvents,
            long egressEvents,
            Instant firstEvent,
            Instant lastEvent,
            List<TruthEntry> truth,
            Map<ScenarioKind, Integer> incidentsByKind,
            List<Path> files) {}

    private SimulationFiles() {}

    public static Summary write(WorkloadSimulator sim, Path dir, Set<Format> formats) throws IOException {
        return write(sim, dir, formats, Background.NONE);
    }

    /**
     * Unlabelled background flows: {@code flowsPerRead} flows of {@link BackgroundFlows} over {@code hosts} hosts
     * after each database event. They draw from their own random stream, so the labelled events are the same with or
     * without them (the conn.log's connection ids and ports of later lines differ: its writer draws them in order).
     */
    public record Background(int flowsPerRead, int hosts) {
        public static final Background NONE = new Background(0, BackgroundFlows.BUSY_HOSTS + 1);

        public Background {
            if (flowsPerRead < 0) {
                throw new IllegalArgumentException("flows per read must not be negative, got " + flowsPerRead);
            }
            if (hosts <= BackgroundFlows.BUSY_HOSTS || hosts > BackgroundFlows.MAX_HOSTS) {
                throw new IllegalArgumentException("background hosts must be " + (BackgroundFlows.BUSY_HOSTS + 1) + ".."
                        + BackgroundFlows.MAX_HOSTS + ", got " + hosts);
            }
        }
    }

    public static Summary write(WorkloadSimulator sim, Path dir, Set<Format> formats, Background background)
            throws IOException {
        Files.createDirectories(dir);
        long seed = sim.spec().seed();
        List<Path> files = new ArrayList<>();
        MysqlSlowLogWriter slow = null;
        ZeekConnLogWriter conn = null;
        Writer dbJson = null;
        Writer egJson = null;
        long db = 0;
        long eg = 0;
        Instant first = null;
        Instant last = null;
        try {
            if (formats.contains(Format.SLOWLOG)) {
                slow = new MysqlSlowLogWriter(open(dir.resolve(SLOW_LOG), files), seed);
                conn = new ZeekConnLogWriter(
                        open(dir.resolve(CONN_LOG), files), sim.spec().start(), seed);
            }
            if (formats.contains(Format.CANONICAL)) {
                dbJson = open(dir.resolve(DB_JSONL), files);
                egJson = open(dir.resolve(EGRESS_JSONL), files);
            }
            Iterator<SimEvent> it = background.flowsPerRead() == 0
                    ? sim.events()
                    : new BackgroundFlows(background.hosts(), Seeds.mix(seed, 0xB6F1L), EventFactory.SOURCE_FORMAT)
                            .after(sim.events(), background.flowsPerRead());
            while (it.hasNext()) {
                SimEvent e = it.next();
                if (first == null) {
                    first = e.time();
                }
                last = e.time();
                if (e instanceof SimEvent.Db d) {
                    db++;
                    if (slow != null) {
                        slow.write(d.event());
                    }
                    if (dbJson != null) {
                        dbJson.write(JsonRecords.toJson(d.event()));
                        dbJson.write('\n');
                    }
                } else if (e instanceof SimEvent.Egress g) {
                    eg++;
                    if (conn != null) {
                        conn.write(g.event());
                    }
                    if (egJson != null) {
                        egJson.write(JsonRecords.toJson(g.event()));
                        egJson.write('\n');
                    }
                }
            }
        } finally {
            closeAll(slow, conn, dbJson, egJson);
        }
        Path truthFile = dir.resolve(TRUTH_JSONL);
        TruthJson.write(truthFile, sim.truth());
        files.add(truthFile);
        Map<ScenarioKind, Integer> byKind = new EnumMap<>(ScenarioKind.class);
        sim.truth().forEach(t -> byKind.merge(t.kind(), 1, Integer::sum));
        return new Summary(db, eg, first, last, sim.truth(), byKind, List.copyOf(files));
    }

    private static Writer open(Path p, List<Path> files) throws IOException {
        files.add(p);
        return new BufferedWriter(Files.newBufferedWriter(p, StandardCharsets.UTF_8), 1 << 16);
    }

    private static void closeAll(AutoCloseable... closeables) throws IOException {
        IOException failure = null;
        for (AutoCloseable c : closeables) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception ex) {
                if (failure == null) {
                    failure = ex instanceof IOException io ? io : new IOException(ex);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
