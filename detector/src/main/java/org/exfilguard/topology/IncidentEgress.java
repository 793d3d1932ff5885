package org.exfilguard.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * What the read side keeps of an incident's egress, in {@link StoreNames#INCIDENT_EGRESS} under the incident id: the
 * hosts it asked to watch, and once the incident closed, its closing record, held until every one of those hosts has
 * sent its final report; the largest evidence so far and whether any was unusual. Compact and versioned
 * ({@link StateBytes}, tag 'I').
 *
 * @param closing   the encoded CLOSED record, or null while the incident is open
 * @param evidence  the encoded largest final evidence so far, or null
 * @param evidenceBytes its bytes out (-1 with none), and the host it came from
 * @param egressTotal   bytes every host that answered sent to new destinations (the incident's totals)
 * @param destinations  their destinations, at most {@link #MAX_DESTINATIONS}
 * @param weak          a weak read's candidate (the egress side watches it until the horizon): {@code closing} holds
 *                      its latest candidate record, then the OPENED record once the egress made it an incident
 *                      ({@code unusual} set); nothing is published otherwise
 */
record IncidentEgress(
        List<String> ips,
        byte[] closing,
        List<String> answered,
        byte[] evidence,
        long evidenceBytes,
        String evidenceHost,
        boolean unusual,
        long egressTotal,
        List<String> destinations,
        boolean weak) {

    static final int TAG = 0x49;
    /** Layout 2 adds {@code weak}; layout 1 (no weak reads) is read as well. */
    static final int VERSION = 2;

    static final int MAX_DESTINATIONS = 16;

    IncidentEgress {
        ips = List.copyOf(ips);
        answered = List.copyOf(answered);
        destinations = List.copyOf(destinations);
    }

    static IncidentEgress watching(List<String> ips) {
        return new IncidentEgress(ips, null, List.of(), null, -1, null, false, 0, List.of(), false);
    }

    /**
     * A weak read's candidate record ({@code candidate}, kept in {@code closing}), watched on its one host; once the
     * egress makes it an incident, {@code closing} holds the OPENED record published and {@code unusual} is set.
     */
    static IncidentEgress weakWatching(String ip, byte[] candidate) {
        return new IncidentEgress(List.of(ip), candidate, List.of(), null, -1, null, false, 0, List.of(), true);
    }

    IncidentEgress withIps(List<String> more) {
        List<String> all = new ArrayList<>(ips);
        more.stream().filter(ip -> !all.contains(ip)).forEach(all::add);
        return all.size() == ips.size()
                ? this
                : new IncidentEgress(
                        all,
                        closing,
                        answered,
                        evidence,
                        evidenceBytes,
                        evidenceHost,
                        unusual,
                        egressTotal,
                        destinations,
                        weak);
    }

    IncidentEgress closed(byte[] record) {
        return new IncidentEgress(
                ips, record, answered, evidence, evidenceBytes, evidenceHost, unusual, egressTotal, destinations, weak);
    }

    IncidentEgress escalated() {
        return new IncidentEgress(
                ips, closing, answered, evidence, evidenceBytes, evidenceHost, true, egressTotal, destinations, weak);
    }

    /** A host's final report: the larger evidence is kept (on a tie, the host first by address). */
    IncidentEgress answered(
            String host, byte[] report, long bytes, List<String> reportDestinations, boolean unusualReport) {
        List<String> done = new ArrayList<>(answered);
        List<String> all = new ArrayList<>(destinations);
        reportDestinations.stream().filter(d -> !all.contains(d)).forEach(all::add);
        if (!done.contains(host)) {
            done.add(host);
        }
        boolean larger = report != null
                && (bytes > evidenceBytes
                        || (bytes == evidenceBytes && (evidenceHost == null || host.compareTo(evidenceHost) < 0)));
        return new IncidentEgress(
                ips,
                closing,
                done,
                larger ? report : evidence,
                larger ? bytes : evidenceBytes,
                larger ? host : evidenceHost,
                unusual || unusualReport,
                report == null ? egressTotal : org.exfilguard.profile.WindowProfile.saturatedAdd(egressTotal, bytes),
                all.subList(0, Math.min(MAX_DESTINATIONS, all.size())),
                weak);
    }

    /** Closed, and every watched host has answered. */
    boolean complete() {
        return closing != null && answered.containsAll(ips);
    }

    byte[] encode() {
        StateBytes.Writer out =
                new StateBytes.Writer().writeByte(TAG).writeByte(VERSION).writeLong(ips.size());
        ips.forEach(out::writeString);
        out.writeOptionalBytes(closing).writeLong(answered.size());
        answered.forEach(out::writeString);
        out.writeOptionalBytes(evidence)
                .writeLong(evidenceBytes)
                .writeOptionalString(evidenceHost)
                .writeBoolean(unusual)
                .writeLong(egressTotal)
                .writeLong(destinations.size());
        destinations.forEach(out::writeString);
        out.writeBoolean(weak);
        return out.toByteArray();
    }

    static IncidentEgress decode(byte[] bytes) {
        if (bytes.length < 2 || (bytes[0] & 0xFF) != TAG) {
            throw new IllegalArgumentException("corrupt incident egress state (" + bytes.length + " bytes): no tag");
        }
        StateBytes.Reader in = new StateBytes.Reader(bytes, 1);
        int version = in.readByte();
        if (version < 1 || version > VERSION) {
            throw new IllegalStateException(
                    "incident egress state has layout version " + version + "; this detector reads 1 to " + VERSION
                            + " (state written by a newer version: roll back the upgrade, or reset the application)");
        }
        int n = in.readLength();
        List<String> ips = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ips.add(in.readString());
        }
        byte[] closing = in.readOptionalBytes();
        int m = in.readLength();
        List<String> answered = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            answered.add(in.readString());
        }
        byte[] evidence = in.readOptionalBytes();
        long evidenceBytes = in.readLong();
        String evidenceHost = in.readOptionalString();
        boolean unusual = in.readBoolean();
        long egressTotal = in.readLong();
        int d = in.readLength();
        List<String> destinations = new ArrayList<>(d);
        for (int i = 0; i < d; i++) {
            destinations.add(in.readString());
        }
        boolean weak = version >= 2 && in.readBoolean();
        IncidentEgress state = new IncidentEgress(
                ips,
                closing,
                answered,
                evidence,
                evidenceBytes,
                evidenceHost,
                unusual,
                egressTotal,
                destinations,
                weak);
        if (!in.atEnd()) {
            throw new IllegalArgumentException(
                    "corrupt incident egress state (" + bytes.length + " bytes): bytes left after its last field");
        }
        return state;
    }
}
