package org.exfilguard.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.Operation;

/**
 * A fast, deterministic source of canonical {@link DbAccessEvent}s for benchmarks: the same seed gives the same
 * events, byte for byte. Keys are (account, sensitive table) pairs: key {@code k} is account {@code k / 2} reading
 * {@code coop.members} (even k) or {@code coop.member_cards} (odd k). A share of reads go to tables that are not
 * sensitive (the detector counts and drops them). Rows follow a mix of point lookups, reports, exports and a few
 * big reads. Every key appears once before any repeats, so N events at least as many as keys touch them all.
 */
public final class BenchWorkload {

    public static final List<String> SENSITIVE_TABLES = List.of("coop.members", "coop.member_cards");
    static final List<String> OTHER_TABLES = List.of("coop.orders", "coop.products", "shop.baskets");
    static final String SOURCE_FORMAT = "bench";
    private static final long BYTES_PER_ROW = 180;
    /** A prime stride scatters the first pass over all keys instead of walking them in order. */
    private static final long STRIDE = 7919;

    private final int keys;
    private final double sensitiveShare;
    private final SplittableRandom random;
    private final long stride;
    private long emitted;

    /**
     * @param keys           number of (account, sensitive table) keys; accounts are half as many
     * @param seed           fixed seed: same seed, same events
     * @param sensitiveShare share of reads that touch a sensitive table (the rest read other tables)
     */
    public BenchWorkload(int keys, long seed, double sensitiveShare) {
        if (keys < 2) {
            throw new IllegalArgumentException("need at least 2 keys, got " + keys);
        }
        this.keys = keys;
        this.sensitiveShare = sensitiveShare;
        this.random = new SplittableRandom(seed);
        this.stride = keys % STRIDE == 0 ? 1 : STRIDE;
    }

    /** 100k keys, 85% of reads on sensitive tables. */
    public static BenchWorkload standard(int keys, long seed) {
        return new BenchWorkload(keys, seed, 0.85);
    }

    public int keys() {
        return keys;
    }

    public int accounts() {
        return (keys + 1) / 2;
    }

    public static String account(int accountIndex) {
        return String.format("acct-%07d", accountIndex);
    }

    /** The backlog: {@code count} events with event times spread evenly over {@code span} from {@code start}, in order. */
    public void backlog(long count, Instant start, Duration span, Consumer<DbAccessEvent> sink) {
        long spanMillis = span.toMillis();
        long startMillis = start.toEpochMilli();
        for (long i = 0; i < count; i++) {
            sink.accept(next(Instant.ofEpochMilli(startMillis + (long) ((double) i * spanMillis / count))));
        }
    }

    /** The next ordinary read, at the given event time. */
    public DbAccessEvent next(Instant at) {
        int key = nextKey();
        int accountIndex = key / 2;
        boolean sensitive = random.nextDouble() < sensitiveShare;
        String table = sensitive ? SENSITIVE_TABLES.get(key % 2) : OTHER_TABLES.get(random.nextInt(OTHER_TABLES.size()));
        double kind = random.nextDouble();
        long rows;
        String fingerprint;
        if (kind < 0.90) {
            rows = 1 + random.nextInt(20);
            fingerprint = "SELECT * FROM " + table + " WHERE id = ?";
        } else if (kind < 0.98) {
            rows = 20 + random.nextInt(2_000);
            fingerprint = "SELECT id, name, city FROM " + table + " WHERE updated_at > ?";
        } else if (kind < 0.999) {
            rows = 2_000 + random.nextInt(18_000);
            fingerprint = "SELECT * FROM " + table + " WHERE region = ?";
        } else {
            rows = 20_000 + random.nextInt(200_000);
            fingerprint = "SELECT * FROM " + table;
        }
        return read(accountIndex, table, rows, at, fingerprint);
    }

    /** A bulk read by an account of {@code coop.members}: the extraction the latency benchmark injects. */
    public static DbAccessEvent extraction(int accountIndex, long rows, Instant at) {
        return read(accountIndex, SENSITIVE_TABLES.get(0), rows, at, "SELECT * FROM coop.members");
    }

    private int nextKey() {
        long i = emitted++;
        return i < keys ? (int) ((i * stride) % keys) : random.nextInt(keys);
    }

    private static DbAccessEvent read(int accountIndex, String table, long rows, Instant at, String fingerprint) {
        return DbAccessEvent.newBuilder()
                .setEventTime(at)
                .setAccount(account(accountIndex))
                .setClientIp("10." + ((accountIndex >> 16) & 0xff) + "." + ((accountIndex >> 8) & 0xff) + "." + (accountIndex & 0xff))
                .setDatabase(table.substring(0, table.indexOf('.')))
                .setTables(List.of(table))
                .setOperation(Operation.SELECT)
                .setRowsReturned(rows)
                .setRowsExamined(rows)
                .setBytesReturned(rows * BYTES_PER_ROW)
                .setStatementFingerprint(fingerprint)
                .setSourceFormat(SOURCE_FORMAT)
                .build();
    }
}
