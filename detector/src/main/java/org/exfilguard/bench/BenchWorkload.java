package org.exfilguard.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.Operation;
import org.exfilguard.sim.BackgroundFlows;

/**
 * A fast, deterministic source of canonical {@link DbAccessEvent}s for benchmarks: the same seed gives the same
 * events, byte for byte. Keys are (account, sensitive table) pairs: key {@code k} is account {@code k / 2} reading
 * {@code coop.members} (even k) or {@code coop.member_cards} (odd k). A share of reads go to tables that are not
 * sensitive (the detector counts and drops them). Every key appears once before any repeats, so N events at least
 * as many as keys touch them all.
 *
 * <p>Two mixes of row counts. {@link Mix#UNIFORM}: every account draws from the same mix of point lookups,
 * reports, exports and a few big reads, so any account may read a thousand times its usual volume on any day; on
 * the detector that is an alert record for about one event in sixty. {@link Mix#ROLES}: each account keeps to
 * one role (application, analyst, exporter, bulk job) with its own volumes, as real accounts do, and one event in
 * {@value #ROLES_EXTRACTION_ODDS} is an extraction of twenty times the role's largest read, and at least
 * {@value #ROLES_EXTRACTION_MIN_ROWS} rows.
 */
public final class BenchWorkload {

    public static final List<String> SENSITIVE_TABLES = List.of("coop.members", "coop.member_cards");
    static final List<String> OTHER_TABLES = List.of("coop.orders", "coop.products", "shop.baskets");
    public static final String SOURCE_FORMAT = "bench";
    private static final long BYTES_PER_ROW = 180;
    /** A prime stride scatters the first pass over all keys instead of walking them in order. */
    private static final long STRIDE = 7919;
    /** In the ROLES mix, one event in this many is an extraction. */
    static final int ROLES_EXTRACTION_ODDS = 100_000;
    /** Rows of an extraction in the ROLES mix, at least. */
    static final long ROLES_EXTRACTION_MIN_ROWS = 500_000;

    /**
     * How row counts are drawn; see the class comment. {@code REALISTIC}: reads as in {@code ROLES}, and beside
     * them {@value #FLOWS_PER_READ} network flows per read on the egress topic ({@link BackgroundFlows}).
     */
    public enum Mix {
        UNIFORM,
        ROLES,
        REALISTIC
    }

    /** Flows per read in the REALISTIC mix. */
    public static final int FLOWS_PER_READ = 8;

    private final int keys;
    private final double sensitiveShare;
    private final SplittableRandom random;
    private final Mix mix;
    private final long stride;
    private long emitted;

    /**
     * @param keys           number of (account, sensitive table) keys; accounts are half as many
     * @param seed           fixed seed: same seed, same events
     * @param sensitiveShare share of reads that touch a sensitive table (the rest read other tables)
     */
    public BenchWorkload(int keys, long seed, double sensitiveShare) {
        this(keys, seed, sensitiveShare, Mix.UNIFORM);
    }

    public BenchWorkload(int keys, long seed, double sensitiveShare, Mix mix) {
        if (keys < 2) {
            throw new IllegalArgumentException("need at least 2 keys, got " + keys);
        }
        this.keys = keys;
        this.sensitiveShare = sensitiveShare;
        this.random = new SplittableRandom(seed);
        this.mix = mix;
        this.stride = keys % STRIDE == 0 ? 1 : STRIDE;
    }

    /** 85% of reads on sensitive tables, the UNIFORM mix. */
    public static BenchWorkload standard(int keys, long seed) {
        return new BenchWorkload(keys, seed, 0.85);
    }

    /** 85% of reads on sensitive tables, in the given mix. */
    public static BenchWorkload of(int keys, long seed, Mix mix) {
        return new BenchWorkload(keys, seed, 0.85, mix);
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
        String table =
                sensitive ? SENSITIVE_TABLES.get(key % 2) : OTHER_TABLES.get(random.nextInt(OTHER_TABLES.size()));
        double kind = random.nextDouble();
        if (mix != Mix.UNIFORM) {
            return roleRead(accountIndex, table, kind, at);
        }
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

    /**
     * The roles of the ROLES mix with their shares of accounts and their row bands. Applications read up to
     * {@code usualHigh} rows and now and then up to {@code high}; the others draw from their whole band.
     */
    private enum Role {
        APPLICATION(70, 1, 20, 200, "SELECT * FROM ", " WHERE id = ?"),
        ANALYST(20, 20, 2_000, 2_000, "SELECT id, name, city FROM ", " WHERE updated_at > ?"),
        EXPORTER(9, 2_000, 20_000, 20_000, "SELECT * FROM ", " WHERE region = ?"),
        BULK_JOB(1, 20_000, 220_000, 220_000, "SELECT * FROM ", "");

        final int percent;
        final long low;
        final long usualHigh;
        final long high;
        final String fingerprintHead;
        final String fingerprintTail;

        Role(int percent, long low, long usualHigh, long high, String fingerprintHead, String fingerprintTail) {
            this.percent = percent;
            this.low = low;
            this.usualHigh = usualHigh;
            this.high = high;
            this.fingerprintHead = fingerprintHead;
            this.fingerprintTail = fingerprintTail;
        }

        /** The role of an account: a function of the account alone, so it never changes. */
        static Role of(int accountIndex) {
            int percentile = (int) Long.remainderUnsigned(mixBits(accountIndex), 100);
            for (Role role : values()) {
                percentile -= role.percent;
                if (percentile < 0) {
                    return role;
                }
            }
            throw new AssertionError("role shares add up to 100");
        }
    }

    /**
     * A read in the ROLES mix: 70% of accounts are applications (1-20 rows, now and then up to 200), 20% analysts
     * (20-2,000), 9% exporters (2,000-20,000), 1% bulk jobs (20,000-220,000). The account's role costs no random
     * draw; each read draws its rows and whether it is an extraction.
     */
    private DbAccessEvent roleRead(int accountIndex, String table, double kind, Instant at) {
        Role role = Role.of(accountIndex);
        long high = role == Role.APPLICATION && kind < 0.95 ? role.usualHigh : role.high;
        long rows = role.low + random.nextLong(high - role.low + 1);
        String fingerprint = role.fingerprintHead + table + role.fingerprintTail;
        if (random.nextInt(ROLES_EXTRACTION_ODDS) == 0) {
            // Twenty times the largest read of any account of the role, and at least half a million rows.
            rows = Math.max(ROLES_EXTRACTION_MIN_ROWS, 20 * role.high);
            fingerprint = "SELECT * FROM " + table;
        }
        return read(accountIndex, table, rows, at, fingerprint);
    }

    /** A fixed scramble of the account index (SplitMix64's finaliser): roles spread evenly over accounts. */
    private static long mixBits(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
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
                .setClientIp(BackgroundFlows.host(accountIndex))
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
