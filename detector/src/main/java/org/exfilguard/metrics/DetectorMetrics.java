package org.exfilguard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The detector's own meters, created once and handed to the code that moves them. Tags never carry an
 * account, a table or any value from a log line: metric labels leave the detector.
 */
public final class DetectorMetrics {

    public static final String EVENTS = "exfil.events";
    public static final String DEAD_LETTERS = "exfil.dead.letters";
    public static final String ALERTS = "exfil.alerts";
    public static final String SUPPRESSIONS = "exfil.suppressions";
    public static final String KEYS_TRACKED = "exfil.keys.tracked";
    public static final String EVENT_TIME_LAG = "exfil.event.time.lag.seconds";
    public static final String PROFILE_CACHE_REQUESTS = "exfil.profile.cache.requests";
    /** Reads of a sensitive table whose result holds none of its personal columns (sensitive.columns). */
    public static final String NON_PERSONAL_READS = "exfil.reads.non.personal";
    /** Reads held until the shared peer baselines of their day are complete (accounts in cold start). */
    public static final String READS_HELD = "exfil.reads.held";

    private final MeterRegistry registry;
    private final Clock wallClock;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Object, LongSupplier> keyCounts = new ConcurrentHashMap<>();
    private final Map<Object, LongSupplier> heldCounts = new ConcurrentHashMap<>();
    private final AtomicLong newestEventMillis = new AtomicLong(Long.MIN_VALUE);
    private final Map<Object, CacheCounts> profileCaches = new ConcurrentHashMap<>();
    /** Hits and misses of caches whose task has closed: the counters never go down on a rebalance. */
    private final AtomicLong retiredHits = new AtomicLong();

    private final AtomicLong retiredMisses = new AtomicLong();

    /** Where one task's profile cache counts its lookups. */
    private record CacheCounts(LongSupplier hits, LongSupplier misses) {}

    public DetectorMetrics(MeterRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    public DetectorMetrics(MeterRegistry registry, Clock wallClock) {
        this.registry = registry;
        this.wallClock = wallClock;
        Gauge.builder(KEYS_TRACKED, this, DetectorMetrics::keysTracked)
                .description("(account, scope) read profiles held in state by this instance")
                .register(registry);
        Gauge.builder(READS_HELD, this, DetectorMetrics::readsHeld)
                .description("Reads held by this instance until every read task's peer days before theirs are in")
                .register(registry);
        // Suppressions exist from the start at zero, so dashboards and rate() see them before the first one.
        suppression("allow_list", 0);
        suppression("egress_only", 0);
        // Lag is the only place the wall clock appears: it measures how far event time is behind now.
        Gauge.builder(EVENT_TIME_LAG, this, DetectorMetrics::eventTimeLagSeconds)
                .description("Wall time minus the newest event time processed")
                .baseUnit("seconds")
                .register(registry);
        // How often a profile came from the task's in-memory cache rather than RocksDB (read.profile.cache.bytes).
        for (boolean hit : new boolean[] {true, false}) {
            FunctionCounter.builder(PROFILE_CACHE_REQUESTS, this, m -> m.profileCacheCount(hit))
                    .description("Profile reads served by the in-memory profile cache (hit) or by RocksDB (miss)")
                    .tags("result", hit ? "hit" : "miss")
                    .register(registry);
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** An input event and what became of it: accepted, not_sensitive, dead_letter. */
    public void event(String source, String outcome) {
        counter(EVENTS, "source", source, "outcome", outcome).increment();
    }

    /** The counter {@link #event} moves, for a caller that counts on every event and so holds it. */
    public Counter eventCounter(String source, String outcome) {
        return counter(EVENTS, "source", source, "outcome", outcome);
    }

    public void deadLetter(String source, String reason) {
        counter(DEAD_LETTERS, "source", source, "reason", reason).increment();
        event(source, "dead_letter");
    }

    public void alert(String severity, String kind, String status) {
        counter(ALERTS, "severity", severity, "kind", kind, "status", status).increment();
    }

    /**
     * One sensitive table a statement read without returning any of its personal columns ({@code sensitive.columns}),
     * so not profiled: an analyst can see how many reads were classified as non-personal.
     */
    public void nonPersonalRead() {
        counter(NON_PERSONAL_READS).increment();
    }

    public void suppression(String kind) {
        suppression(kind, 1);
    }

    private void suppression(String kind, double amount) {
        counter(SUPPRESSIONS, "kind", kind).increment(amount);
    }

    public void eventTime(long eventMillis) {
        newestEventMillis.accumulateAndGet(eventMillis, Math::max);
    }

    /** Registers a source of tracked keys (a task's profile store); removed when the task closes. */
    public void trackKeys(Object owner, LongSupplier count) {
        keyCounts.put(owner, count);
    }

    public void untrackKeys(Object owner) {
        keyCounts.remove(owner);
    }

    /** Registers a read task's count of held reads; removed when the task closes. */
    public void trackHeld(Object owner, LongSupplier count) {
        heldCounts.put(owner, count);
    }

    public void untrackHeld(Object owner) {
        heldCounts.remove(owner);
    }

    /** Reads the read tasks of this instance hold (see {@link #READS_HELD}). */
    public long readsHeld() {
        return heldCounts.values().stream().mapToLong(LongSupplier::getAsLong).sum();
    }

    /** Registers a task's profile cache; its counts stay in the totals after the task closes. */
    public void trackProfileCache(Object owner, LongSupplier hits, LongSupplier misses) {
        profileCaches.put(owner, new CacheCounts(hits, misses));
    }

    public void untrackProfileCache(Object owner) {
        CacheCounts counts = profileCaches.remove(owner);
        if (counts != null) {
            retiredHits.addAndGet(counts.hits().getAsLong());
            retiredMisses.addAndGet(counts.misses().getAsLong());
        }
    }

    public double count(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private double keysTracked() {
        long total = 0;
        for (LongSupplier supplier : keyCounts.values()) {
            try {
                total += supplier.getAsLong();
            } catch (RuntimeException closedStore) {
                // A store closing during a rebalance has nothing to report.
            }
        }
        return total;
    }

    private double profileCacheCount(boolean hits) {
        long total = hits ? retiredHits.get() : retiredMisses.get();
        for (CacheCounts counts : profileCaches.values()) {
            total += hits ? counts.hits().getAsLong() : counts.misses().getAsLong();
        }
        return total;
    }

    private double eventTimeLagSeconds() {
        long newest = newestEventMillis.get();
        return newest == Long.MIN_VALUE ? Double.NaN : (wallClock.millis() - newest) / 1000.0;
    }

    private Counter counter(String name, String... tags) {
        String key = name + String.join("\u0000", tags);
        return counters.computeIfAbsent(
                key, k -> Counter.builder(name).tags(tags).register(registry));
    }
}
