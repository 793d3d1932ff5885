package org.exfilguard.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    /**
     * Entries are compared by identity (FreshEntry keeps Object's equality). A linked set iterates its entries, not its
     * capacity: an identity map keeps its table after {@code clear()}, and every flow of a busy host walked it empty.
     */
    private final Set<FreshEntry> changedEntries = new LinkedHashSet<>();

    private boolean freshOrderChanged;
    /** The entries removed from the list since {@link #freshWritten()}, so that a writer need not compare lists. */
    private final List<FreshEntry> removedEntries = new ArrayList<>();
    /** No fresh entry was last used before this (a lower bound): expiry scans the list only when it may remove some. */
    private long freshLastFloor;

    private long settledTo;
    /**
     * The fresh entries with minutes kept apart: the only ones settling can change. A busy host keeps
     * {@link EgressCorrelator#MAX_FRESH} entries and its boundary moves every minute, but few entries had flows since.
     */
    private final Set<FreshEntry> withPending = new LinkedHashSet<>();
    /**
     * The fresh entries by destination, made when first asked for and kept in step after; null until then. A value
     * is the destination's entry, or {@link Several} when it has several (a destination the host's remembered set had
     * dropped comes back as new while its first entry is still fresh), where the first in the list's order is the
     * one a flow counts in. A busy host's flows looked their destination up among
     * {@link EgressCorrelator#MAX_FRESH} entries one by one.
     */
    private Map<String, Object> byDestination;
    /** How many destinations of {@link #byDestination} have several entries. */
    private int several;

    /** A destination's entries when it has more than one: how many, and the first in the list's order. */
    private static final class Several {
        private int count;
        private FreshEntry first;
    }

    public EgressHost(
            String srcIp, HostDestinations destinations, List<FreshEntry> fresh, List<Watch> watches, long settledTo) {
        this.srcIp = srcIp;
        this.destinations = destinations;
        this.fresh = new ArrayList<>(fresh);
        this.watches = new ArrayList<>(watches);
        this.freshLastFloor = floor(this.fresh);
        this.settledTo = settledTo;
        for (FreshEntry f : this.fresh) {
            if (f.firstPending() != Long.MAX_VALUE) {
                withPending.add(f);
            }
        }
    }

    public String srcIp() {
        return srcIp;
    }

    public HostDestinations destinations() {
        return destinations;
    }

    /** The fresh list; who changes it says so ({@link #freshAdded}, {@link #freshEntryChanged}, {@link #evictLeastRecentlyUsed}). */
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
        for (Iterator<FreshEntry> it = withPending.iterator(); it.hasNext(); ) {
            FreshEntry f = it.next();
            if (f.settle(to)) {
                changedEntries.add(f);
            }
            if (f.firstPending() == Long.MAX_VALUE) {
                it.remove();
            }
        }
    }

    /** The fresh entry of a destination, or null. */
    FreshEntry freshEntry(String dst) {
        if (byDestination == null && fresh.size() > INDEX_FROM) {
            byDestination = new HashMap<>(fresh.size() * 2);
            several = 0;
            fresh.forEach(this::index);
        }
        if (byDestination != null) {
            Object found = byDestination.get(dst);
            return found instanceof Several s ? s.first : (FreshEntry) found;
        }
        for (FreshEntry f : fresh) {
            if (f.dstIp().equals(dst)) {
                return f;
            }
        }
        return null;
    }

    /** Indexes an entry at the end of the list. */
    private void index(FreshEntry entry) {
        Object had = byDestination.get(entry.dstIp());
        if (had == null) {
            byDestination.put(entry.dstIp(), entry);
        } else if (had instanceof Several s) {
            s.count++;
        } else {
            Several s = new Several();
            s.count = 2;
            s.first = (FreshEntry) had;
            byDestination.put(entry.dstIp(), s);
            several++;
        }
    }

    /** Takes a removed entry out of the index (the list no longer holds it). */
    private void unindex(FreshEntry gone) {
        Object had = byDestination.get(gone.dstIp());
        if (had == gone) {
            byDestination.remove(gone.dstIp());
        } else if (had instanceof Several s && --s.count == 1) {
            several--;
            for (FreshEntry f : fresh) {
                if (f.dstIp().equals(gone.dstIp())) {
                    byDestination.put(gone.dstIp(), f);
                }
            }
        }
    }

    /** After the list was reordered: the first entry of each destination that has several. */
    private void refirst() {
        for (Object v : byDestination.values()) {
            if (v instanceof Several s) {
                s.first = null;
            }
        }
        for (FreshEntry f : fresh) {
            if (byDestination.get(f.dstIp()) instanceof Several s && s.first == null) {
                s.first = f;
            }
        }
    }

    /** Fresh lists this long or shorter are scanned rather than indexed. */
    private static final int INDEX_FROM = 8;

    /** Appends a new entry. */
    void freshAdded(FreshEntry entry) {
        fresh.add(entry);
        changedEntries.add(entry);
        freshOrderChanged = true;
        freshLastFloor = Math.min(freshLastFloor, entry.lastUsed());
        if (entry.firstPending() != Long.MAX_VALUE) {
            withPending.add(entry);
        }
        if (byDestination != null) {
            index(entry);
        }
    }

    /** An entry's counters changed (its last use only ever grows, which keeps the floor valid). */
    void freshEntryChanged(FreshEntry entry) {
        changedEntries.add(entry);
        if (entry.firstPending() != Long.MAX_VALUE) {
            withPending.add(entry);
        }
    }

    /** Drops the least recently used entry; the list is left in order of last use, as it is then stored. */
    void evictLeastRecentlyUsed() {
        fresh.sort(Comparator.comparingLong(FreshEntry::lastUsed));
        FreshEntry gone = fresh.remove(0);
        removedEntries.add(gone);
        withPending.remove(gone);
        if (byDestination != null) {
            unindex(gone);
            if (several > 0) {
                refirst();
            }
        }
        freshOrderChanged = true;
    }

    /** Removes the fresh entries last used before {@code since}; a no-op without a scan when none can be. */
    void expireFresh(long since) {
        if (since <= freshLastFloor) {
            return;
        }
        if (fresh.removeIf(f -> {
            if (f.lastUsed() >= since) {
                return false;
            }
            withPending.remove(f);
            removedEntries.add(f);
            return true;
        })) {
            freshOrderChanged = true;
            // Made again when next asked for: expiry is rare, and may take several entries of one destination.
            byDestination = null;
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

    /** The entries removed from the list since {@link #freshWritten()} (some may never have been written). */
    public List<FreshEntry> removedFreshEntries() {
        return removedEntries;
    }

    /** Everything fresh is to be written (state moved from an earlier version's layout). */
    public void markAllFreshChanged() {
        changedEntries.addAll(fresh);
        freshOrderChanged = true;
    }

    /** The caller has stored the fresh list as it is now. */
    public void freshWritten() {
        changedEntries.clear();
        removedEntries.clear();
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
