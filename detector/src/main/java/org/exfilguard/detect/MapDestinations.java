package org.exfilguard.detect;

import java.util.HashMap;
import java.util.Map;

/** {@link HostDestinations} in a map: the layout of earlier versions' state, and the reference the stored one is tested against. */
public final class MapDestinations implements HostDestinations {

    private final Map<String, Long> firstSeen;

    public MapDestinations() {
        this(new HashMap<>());
    }

    public MapDestinations(Map<String, Long> firstSeen) {
        this.firstSeen = new HashMap<>(firstSeen);
    }

    @Override
    public boolean contains(String dstIp) {
        return firstSeen.containsKey(dstIp);
    }

    @Override
    public void add(String dstIp, long firstSeenMillis, int max) {
        firstSeen.put(dstIp, firstSeenMillis);
        while (firstSeen.size() > max) {
            String oldest = firstSeen.entrySet().stream()
                    .min(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .orElseThrow()
                    .getKey();
            firstSeen.remove(oldest);
        }
    }

    @Override
    public int size() {
        return firstSeen.size();
    }

    /** Destination -> first seen (millis). */
    public Map<String, Long> asMap() {
        return Map.copyOf(firstSeen);
    }
}
