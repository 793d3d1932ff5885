package org.exfilguard.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The open incidents of a task (profile key to the event time it is due to close), kept in the
 * {@link StoreNames#OPEN_INCIDENTS} store and mirrored in memory in close-time order: the once-a-minute scan for
 * quiet incidents walked the whole store each time, and took 5% of the stream thread in the benchmark. The mirror
 * is rebuilt from the store when the task starts, so it always equals the store.
 */
final class OpenIncidentIndex {

    private record Due(long at, String key) {}

    private static final Comparator<Due> ORDER =
            Comparator.comparingLong(Due::at).thenComparing(Due::key);

    private final KeyValueStore<String, Long> store;
    private final NavigableMap<String, Long> byKey = new TreeMap<>();
    private final TreeSet<Due> byDue = new TreeSet<>(ORDER);

    OpenIncidentIndex(KeyValueStore<String, Long> store) {
        this.store = store;
        try (KeyValueIterator<String, Long> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                byKey.put(entry.key, entry.value);
                byDue.add(new Due(entry.value, entry.key));
            }
        }
    }

    /** Records that the incident of {@code key} is due to close at {@code dueMillis}. */
    void put(String key, long dueMillis) {
        Long previous = byKey.put(key, dueMillis);
        if (previous != null && previous == dueMillis) {
            return;
        }
        if (previous != null) {
            byDue.remove(new Due(previous, key));
        }
        byDue.add(new Due(dueMillis, key));
        store.put(key, dueMillis);
    }

    void remove(String key) {
        Long previous = byKey.remove(key);
        if (previous != null) {
            byDue.remove(new Due(previous, key));
            store.delete(key);
        }
    }

    /** Keys whose incident is due at or before {@code nowMillis}, earliest first. */
    List<String> dueBy(long nowMillis) {
        List<String> due = new ArrayList<>();
        for (Due d : byDue) {
            if (d.at() > nowMillis) {
                break;
            }
            due.add(d.key());
        }
        return due;
    }

    /**
     * Whether any key starting with {@code prefix} other than {@code except} has an incident still open at
     * {@code atMillis}: one due to close by then counts as closed, whether or not the scan has closed it yet.
     */
    boolean anyOpenWithPrefixExcept(String prefix, String except, long atMillis) {
        for (Map.Entry<String, Long> entry :
                byKey.subMap(prefix, true, prefix + Character.MAX_VALUE, false).entrySet()) {
            if (!entry.getKey().equals(except) && entry.getValue() > atMillis) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return byKey.size();
    }
}
