package org.exfilguard.detect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What the correlator keeps per source host besides its outbound-byte windows: the destinations it has used
 * ({@link HostDestinations}, stored per destination), the bytes it sent to destinations it first used recently
 * (at most {@link EgressCorrelator#MAX_FRESH}, in an order that matters: see {@link EgressCorrelator}), the bulk
 * reads whose egress is watched (at most {@link EgressCorrelator#MAX_WATCHES}), and the boundary before which its
 * fresh entries' minutes are settled. The lists are edited in place; the host remembers which fresh entries changed
 * and whether the fresh list's membership or order did, so that a flow writes back only what it touched.
 */
public final class EgressHost {

    private final String srcIp;
    private final HostDestinations destinations;
    private final List<FreshEntry> fresh;
    private final List<Watch> watches;
    private final Set<FreshEntry> changedEntries = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean freshOrderChanged;
    /** No fresh entry was last used before this (a lower bound): expiry scans the list only when it may remove some. */
    private long freshLastFloor;

    private long settledTo;

    public EgressHost(
            String srcIp, HostDestinations destinations, List<FreshEntry> fresh, List<Watch> watches, long settledTo) {
        this.srcIp = srcIp;
        this.destinations = destinations;
        this.fresh = new ArrayList<>(fresh);
        this.watches = new ArrayList<>(watches);
        this.freshLastFloor = floor(this.fresh);
        this.settledTo = settledTo;
    }

    public String srcIp() {
        return srcIp;
    }

    public HostDestinations destinations() {
        return destinations;
    }

    /** The fresh list; who changes it says so ({@link #freshAdded}, {@link #freshEntryChanged}, {@link #freshOrderChanged}). */
    public List<FreshEntry> fresh() {
        return fresh;
    }

    public List<Watch> watches() {
        return watches;
    }

    /** The minute boundary before which the fresh entries' flows are one sum. */
    public long settledTo() {
        return settledTo;
    }

    /** Settles every fresh entry's minutes before {@code to}. */
    public void settle(long to) {
        if (to <= settledTo) {
            return;
        }
        settledTo = to;
        for (FreshEntry f : fresh) {
            if (f.settle(to)) {
                changedEntries.add(f);
            }
        }
    }

    /** Appends a new entry. */
    void freshAdded(FreshEntry entry) {
        fresh.add(entry);
        changedEntries.add(entry);
        freshOrderChanged = true;
        freshLastFloor = Math.min(freshLastFloor, entry.lastUsed());
    }

    /** An entry's counters changed (its last use only ever grows, which keeps the floor valid). */
    void freshEntryChanged(FreshEntry entry) {
        changedEntries.add(entry);
    }

    /** Entries were removed or reordered. */
    void freshOrderChanged() {
        freshOrderChanged = true;
    }

    /** Removes the fresh entries last used before {@code since}; a no-op without a scan when none can be. */
    void expireFresh(long since) {
        if (since <= freshLastFloor) {
            return;
        }
        if (fresh.removeIf(f -> f.lastUsed() < since)) {
            freshOrderChanged = true;
        }
        freshLastFloor = floor(fresh);
    }

    /** Whether entries were added, removed or reordered since {@link #freshWritten()}. */
    public boolean freshListChanged() {
        return freshOrderChanged;
    }

    /** The entries whose fields changed since {@link #freshWritten()} (some may have been removed since). */
    public Set<FreshEntry> changedFreshEntries() {
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

    private static long floor(List<FreshEntry> entries) {
        long min = Long.MAX_VALUE;
        for (FreshEntry f : entries) {
            min = Math.min(min, f.lastUsed());
        }
        return min;
    }
}
