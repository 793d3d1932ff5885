package org.exfilguard.profile;

import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one incident has read and sent out so far, for the breach scope an organisation must report.
 *
 * <p>The incident's reads are every read of its (account, scope) from its first-seen time until it closes. At the
 * opening the tally takes the crossing window's sums, which hold exactly the reads since first-seen (first-seen is
 * the start of the window's oldest non-empty sub-bucket); from then on each read adds to it. So {@link #rows()} is
 * the sum of the rows of those reads, not the last window's sum. One add per read of an open incident, each O(1)
 * in the incident's length: the lists are bounded.
 */
public final class IncidentTally {

    static final int MAX_IPS = 16;
    static final int MAX_FINGERPRINTS = 8;
    static final int MAX_SOURCES = 8;
    static final int MAX_DESTINATIONS = 16;

    private final String incidentId;
    private final Instant firstRead;
    private Instant lastRead;
    private long rows;
    private long bytes;
    private long largestRead;
    /** Client ip to the rows it read, in the order first seen. */
    private final Map<String, Long> clientIps;
    /** Statement fingerprint to the rows it read, in the order first seen. */
    private final Map<String, Long> fingerprints;
    /** Reading host to the bytes it sent to destinations new for it (each report is the host's running total). */
    private final Map<String, Long> egressBySource;
    /** Destination new for a reading host to the bytes sent to it. */
    private final Map<String, Long> destinations;

    public IncidentTally(
            String incidentId,
            Instant firstRead,
            Instant lastRead,
            long rows,
            long bytes,
            long largestRead,
            Map<String, Long> clientIps,
            Map<String, Long> fingerprints,
            Map<String, Long> egressBySource,
            Map<String, Long> destinations) {
        this.incidentId = incidentId;
        this.firstRead = firstRead;
        this.lastRead = lastRead;
        this.rows = rows;
        this.bytes = bytes;
        this.largestRead = largestRead;
        this.clientIps = new LinkedHashMap<>(clientIps);
        this.fingerprints = new LinkedHashMap<>(fingerprints);
        this.egressBySource = new LinkedHashMap<>(egressBySource);
        this.destinations = new LinkedHashMap<>(destinations);
    }

    /**
     * The tally of an incident opened by a read: {@code windowRows} and {@code windowBytes} are the crossing
     * window's sums (the opening read included), {@code firstSeen} the incident's first-seen time, {@code earlierIps}
     * the client ips that read the scope since then before the opening read (their rows are not known: counted 0).
     * The opening read's own client ip, fingerprint and rows start the lists.
     */
    public static IncidentTally opened(
            String incidentId,
            Instant firstSeen,
            Instant at,
            long windowRows,
            long windowBytes,
            List<String> earlierIps,
            long readRows,
            String clientIp,
            String fingerprint) {
        IncidentTally tally = new IncidentTally(
                incidentId, firstSeen, at, windowRows, windowBytes, readRows, Map.of(), Map.of(), Map.of(), Map.of());
        for (String ip : earlierIps) {
            tally.noteEvidence(ip, null, 0);
        }
        tally.noteEvidence(clientIp, fingerprint, readRows);
        return tally;
    }

    /** Adds one read of the incident's scope. */
    public void addRead(Instant at, long readRows, long readBytes, String clientIp, String fingerprint) {
        rows = WindowProfile.saturatedAdd(rows, readRows);
        bytes = WindowProfile.saturatedAdd(bytes, readBytes);
        largestRead = Math.max(largestRead, readRows);
        if (at.isAfter(lastRead)) {
            lastRead = at;
        }
        noteEvidence(clientIp, fingerprint, readRows);
    }

    /** Takes a reading host's egress evidence: its bytes to destinations new for it so far, and those destinations. */
    public void addEgress(String sourceIp, long bytesOut, Map<String, Long> destinationBytes) {
        // A report is the host's running total for the incident: the largest one stands.
        egressBySource.merge(sourceIp, bytesOut, Math::max);
        keepLargest(egressBySource, MAX_SOURCES);
        destinationBytes.forEach((dst, b) -> destinations.merge(dst, b, Math::max));
        keepLargest(destinations, MAX_DESTINATIONS);
    }

    private void noteEvidence(String clientIp, String fingerprint, long readRows) {
        if (clientIp != null && !clientIp.isEmpty()) {
            clientIps.merge(clientIp, readRows, WindowProfile::saturatedAdd);
            keepLargest(clientIps, MAX_IPS);
        }
        if (fingerprint != null && !fingerprint.isEmpty()) {
            fingerprints.merge(fingerprint, readRows, WindowProfile::saturatedAdd);
            keepLargest(fingerprints, MAX_FINGERPRINTS);
        }
    }

    /** Drops the smallest entry (the newest of equals) while the map is over its bound. */
    private static void keepLargest(Map<String, Long> map, int bound) {
        while (map.size() > bound) {
            String smallest = null;
            long least = Long.MAX_VALUE;
            for (Map.Entry<String, Long> e : map.entrySet()) {
                if (e.getValue() <= least) {
                    least = e.getValue();
                    smallest = e.getKey();
                }
            }
            map.remove(smallest);
        }
    }

    /** Keys by value, largest first (ties in the order first seen). */
    private static List<String> largestFirst(Map<String, Long> map) {
        return map.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .map(Map.Entry::getKey)
                .toList();
    }

    public String incidentId() {
        return incidentId;
    }
    /** The incident's first-seen time: the start of the sub-bucket of its first read. */
    public Instant firstRead() {
        return firstRead;
    }

    public Instant lastRead() {
        return lastRead;
    }

    public long rows() {
        return rows;
    }
    /** Bytes returned, where the logs have them (0 when they have none). */
    public long bytes() {
        return bytes;
    }
    /** The most rows one statement of the incident returned (from the opening read on). */
    public long largestRead() {
        return largestRead;
    }
    /** Sum over the reading hosts of their bytes to destinations new for them. */
    public long egressBytes() {
        long total = 0;
        for (long b : egressBySource.values()) {
            total = WindowProfile.saturatedAdd(total, b);
        }
        return total;
    }
    /** Client ips, those that read the most rows first. */
    public List<String> clientIpsByRows() {
        return largestFirst(clientIps);
    }
    /** Fingerprints, those that read the most rows first. */
    public List<String> fingerprintsByRows() {
        return largestFirst(fingerprints);
    }
    /** New destinations, those that received the most bytes first. */
    public List<String> destinationsByBytes() {
        return largestFirst(destinations);
    }

    public Map<String, Long> clientIps() {
        return Collections.unmodifiableMap(clientIps);
    }

    public Map<String, Long> fingerprints() {
        return Collections.unmodifiableMap(fingerprints);
    }

    public Map<String, Long> egressBySource() {
        return Collections.unmodifiableMap(egressBySource);
    }

    public Map<String, Long> destinations() {
        return Collections.unmodifiableMap(destinations);
    }
}
