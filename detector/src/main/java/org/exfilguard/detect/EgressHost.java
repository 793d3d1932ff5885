package org.exfilguard.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.exfilguard.schema.state.FreshDestination;
import org.exfilguard.schema.state.WatchedRead;

/**
 * What the correlator keeps per source host besides its outbound-byte windows: the destinations it has used
 * ({@link HostDestinations}, stored per destination), the bytes it sent to destinations it first used recently
 * (at most {@link EgressCorrelator#MAX_FRESH}, in an order that matters: see {@link EgressCorrelator}) and the bulk
 * reads whose egress is watched (at most {@link EgressCorrelator#MAX_READS}). The lists are edited in place; the host
 * remembers which fresh entries changed and whether the fresh list's membership or order did, so that a flow
 * writes back only what it touched.
 */
public final class EgressHost {

    private final String srcIp;
    private final HostDestinations destinations;
    private final List<FreshDestination> fresh;
    private final List<WatchedRead> reads;
    private final Set<FreshDestination> changedEntries = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean freshOrderChanged;
    /** No fresh entry was last used before this (a lower bound): expiry scans the list only when it may remove some. */
    private long freshLastFloor;

    public EgressHost(String srcIp, HostDestinations destinations, List<FreshDestination> fresh, List<WatchedRead> reads) {
        this.srcIp = srcIp;
        this.destinations = destinations;
        this.fresh = new ArrayList<>(fresh);
        this.reads = new ArrayList<>(reads);
        this.freshLastFloor = floor(this.fresh);
    }

    public String srcIp() {
        return srcIp;
    }

    public HostDestinations destinations() {
        return destinations;
    }

    /** The fresh list; who changes it says so ({@link #freshAdded}, {@link #freshEntryChanged}, {@link #freshOrderChanged}). */
    public List<FreshDestination> fresh() {
        return fresh;
    }

    public List<WatchedRead> reads() {
        return reads;
    }

    /** Appends a new entry. */
    void freshAdded(FreshDestination entry) {
        fresh.add(entry);
        changedEntries.add(entry);
        freshOrderChanged = true;
        freshLastFloor = Math.min(freshLastFloor, entry.getLast().toEpochMilli());
    }

    /** An entry's counters changed (its last time only ever grows, which keeps the floor valid). */
    void freshEntryChanged(FreshDestination entry) {
        changedEntries.add(entry);
    }

    /** Entries were removed or reordered. */
    void freshOrderChanged() {
        freshOrderChanged = true;
    }

    /** Removes the fresh entries last used before {@code since}; a no-op without a scan when none can be. */
    void expireFresh(Instant since) {
        long sinceMillis = since.toEpochMilli();
        if (sinceMillis <= freshLastFloor) {
            return;
        }
        if (fresh.removeIf(f -> f.getLast().toEpochMilli() < sinceMillis)) {
            freshOrderChanged = true;
        }
        freshLastFloor = floor(fresh);
    }

    /** Whether entries were added, removed or reordered since {@link #freshWritten()}. */
    public boolean freshListChanged() {
        return freshOrderChanged;
    }

    /** The entries whose fields changed since {@link #freshWritten()} (some may have been removed since). */
    public Set<FreshDestination> changedFreshEntries() {
        return changedEntries;
    }

    /** Everything fresh is to be written (state moved from an earlier version's layout). */
    public void markAllFreshChanged() {
        changedEntries.addAll(fresh);
        freshOrderChanged = true;
    }

    /** The caller has stored the fresh list as it is now. */
    public void freshWritten() {
        changedEntries.clear();
        freshOrderChanged = false;
    }

    private static long floor(List<FreshDestination> entries) {
        long min = Long.MAX_VALUE;
        for (FreshDestination f : entries) {
            min = Math.min(min, f.getLast().toEpochMilli());
        }
        return min;
    }
}
