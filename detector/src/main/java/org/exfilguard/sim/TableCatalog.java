package org.exfilguard.sim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Sizes and row widths of the simulated tables; the member tables grow a little every day. */
final class TableCatalog {

    /** Average row width sent to the client; the brief's "about 150 bytes a row". */
    public static final int BYTES_PER_ROW = 150;

    private static final double DAILY_GROWTH = 0.0005;

    private final Map<String, Long> baseRows = new HashMap<>();
    private final List<String> sensitive;
    private final List<String> other;

    TableCatalog(SimulationSpec spec) {
        this.sensitive = spec.sensitiveTables();
        this.other = spec.otherTables();
        SplittableRandom rng = new SplittableRandom(Seeds.mix(spec.seed(), 0x7AB1E5L));
        long members = spec.memberRows() > 0 ? spec.memberRows() : 1_500_000L + rng.nextLong(1_000_001L);
        for (int i = 0; i < sensitive.size(); i++) {
            // Later sensitive tables hang off the member table (cards per member and the like).
            double ratio = i == 0 ? 1.0 : 0.6 + rng.nextDouble() * 0.8;
            baseRows.put(sensitive.get(i), Math.round(members * ratio));
        }
        for (String t : other) {
            baseRows.putIfAbsent(t, 50_000L + rng.nextLong(20_000_000L));
        }
    }

    /** Rows of {@code table} on the given 0-based day. */
    public long rows(String table, int day) {
        long base = baseRows.getOrDefault(table, 1_000_000L);
        if (!sensitive.contains(table)) {
            return base;
        }
        return Math.round(base * Math.pow(1 + DAILY_GROWTH, day));
    }

    public List<String> sensitive() {
        return sensitive;
    }

    public List<String> other() {
        return other;
    }

    public String memberTable() {
        return sensitive.get(0);
    }

    /** Any table, sensitive or not, for DBA housekeeping. */
    public List<String> all() {
        return java.util.stream.Stream.concat(sensitive.stream(), other.stream())
                .toList();
    }
}
