package org.exfilguard.detect;

import java.util.HashMap;
import java.util.Map;

/** {@link HostDestinations} in a map: the layout of earlier versions' state, and the reference the stored one is tested against. */
public final class MapDestinations implements HostDestinations {

    private final Map<String, Long> lastUsed;

    public MapDestinations() {
        this(new HashMap<>());
    }

    /** Destination -> last used (millis); an earlier version's first-seen times read as last uses. */
    public MapDestinations(Map<String, Long> lastUsed) {
        this.lastUsed = new HashMap<>(lastUsed);
    }

    @Override
    public boolean contains(String dstIp) {
        return lastUsed.containsKey(dstIp);
    }

    @Override
    public boolean use(String dstIp, long millis) {
        Long last = lastUsed.get(dstIp);
        if (last == null) {
            return false;
        }
        if (HostDestinations.laterDay(last, millis)) {
            lastUsed.put(dstIp, millis);
        }
        return true;
    }

    @Override
    public void add(String dstIp, long millis, int max) {
        lastUsed.put(dstIp, millis);
        while (lastUsed.size() > max) {
            String longestAgo = lastUsed.entrySet().stream()
                    .min(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .orElseThrow()
                    .getKey();
            lastUsed.remove(longestAgo);
        }
    }

    @Override
    public int size() {
        return lastUsed.size();
    }

    /** Destination -> last used (millis). */
    public Map<String, Long> asMap() {
        return Map.copyOf(lastUsed);
    }
}
