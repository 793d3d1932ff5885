package org.exfilguard.topology;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.incident.AvroBytes;
import org.exfilguard.profile.AlertedDay;
import org.exfilguard.profile.OpenIncident;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.profile.WindowProfile;
import org.exfilguard.profile.WindowSpec;
import org.exfilguard.schema.state.IncidentState;
import org.exfilguard.schema.state.ProfileState;
import org.exfilguard.schema.state.WindowState;

/**
 * Stores a {@link ScopeProfile} as the Avro {@code ProfileState} record, so state written by one version is
 * read by the next. A window whose configuration changed (new window, other sub-bucket count) starts afresh.
 */
final class ProfileCodec {

    private final DetectionSettings settings;
    private final AvroBytes<ProfileState> avro = new AvroBytes<>(ProfileState.class);

    ProfileCodec(DetectionSettings settings) {
        this.settings = settings;
    }

    byte[] encode(ScopeProfile profile) {
        List<WindowState> windows = new ArrayList<>(profile.windows().size());
        for (WindowProfile w : profile.windows()) {
            List<AlertedDay> alerted = w.alertedDays();
            windows.add(WindowState.newBuilder()
                    .setName(w.spec().name())
                    .setHead(w.head())
                    .setBucketRows(ByteBuffer.wrap(Varints.pack(w.bucketRows())))
                    .setBucketBytes(ByteBuffer.wrap(Varints.pack(w.bucketBytes())))
                    .setDay(w.day())
                    .setDayPeak(w.dayPeak())
                    .setArmed(w.armed())
                    .setHistory(ByteBuffer.wrap(Varints.pack(rounded(w.history()))))
                    .setAlertedDays(alerted.stream().map(d -> org.exfilguard.schema.state.AlertedDay.newBuilder()
                            .setDay(d.epochDay()).setMinuteOfDay(d.minuteOfDay()).setPeak(d.peak()).build()).toList())
                    .build());
        }
        OpenIncident incident = profile.incident();
        IncidentState incidentState = incident == null ? null : IncidentState.newBuilder()
                .setIncidentId(incident.incidentId())
                .setOpenedAt(incident.openedAt())
                .setFirstSeen(incident.firstSeen())
                .setLastActivity(incident.lastActivity())
                .setLastAlertAt(incident.lastAlertAt())
                .setAlerts(incident.alerts())
                .setLastScore(incident.lastScore())
                .setSeverity(incident.severity())
                .setLastAlert(ByteBuffer.wrap(incident.lastAlert()))
                .setEscalated(incident.escalated())
                .setEgressEvidence(incident.egressEvidence() == null ? null : ByteBuffer.wrap(incident.egressEvidence()))
                .build();
        return avro.encode(ProfileState.newBuilder()
                .setAccount(profile.account())
                .setScope(profile.scope())
                .setFirstDay(profile.firstDay())
                .setWindows(windows)
                .setRecentIps(new HashMap<>(profile.recentIps()))
                .setRecentFingerprints(new HashMap<>(profile.recentFingerprints()))
                .setIncident(incidentState)
                .setClosedIncidentId(profile.closed() == null ? null : profile.closed().incidentId())
                .setClosedLastAlert(profile.closed() == null ? null : ByteBuffer.wrap(profile.closed().lastAlert()))
                .setClosedEscalated(profile.closed() != null && profile.closed().escalated())
                .build());
    }

    ScopeProfile decode(byte[] bytes, Instant now) {
        ProfileState state = avro.decode(bytes);
        Map<String, WindowState> stored = new HashMap<>();
        state.getWindows().forEach(w -> stored.put(w.getName(), w));
        List<WindowProfile> windows = new ArrayList<>();
        for (WindowSpec spec : settings.windows()) {
            WindowState w = stored.get(spec.name());
            byte[] rows = w == null ? null : AvroBytes.bytes(w.getBucketRows());
            if (w == null || Varints.count(rows) != spec.subBuckets()) {
                windows.add(new WindowProfile(spec, settings.historyDays(), now));
                continue;
            }
            double[] history = new double[settings.historyDays()];
            byte[] packedHistory = AvroBytes.bytes(w.getHistory());
            long[] storedHistory = Varints.unpack(packedHistory, Varints.count(packedHistory));
            int keep = Math.min(storedHistory.length, history.length);
            for (int i = 0; i < keep; i++) {
                history[i] = storedHistory[storedHistory.length - keep + i];
            }
            windows.add(new WindowProfile(spec, Varints.unpack(rows, spec.subBuckets()),
                    Varints.unpack(AvroBytes.bytes(w.getBucketBytes()), spec.subBuckets()), w.getHead(),
                    w.getDay(), w.getDayPeak(), w.getArmed(), history, keep,
                    w.getAlertedDays().stream().map(d -> new AlertedDay(d.getDay(), d.getMinuteOfDay(), d.getPeak())).toList()));
        }
        IncidentState i = state.getIncident();
        OpenIncident incident = i == null ? null : new OpenIncident(i.getIncidentId(), i.getOpenedAt(), i.getFirstSeen(),
                i.getLastActivity(), i.getLastAlertAt(), i.getAlerts(), i.getLastScore(), i.getSeverity(), AvroBytes.bytes(i.getLastAlert()),
                i.getEscalated(), i.getEgressEvidence() == null ? null : AvroBytes.bytes(i.getEgressEvidence()));
        ScopeProfile profile = new ScopeProfile(state.getAccount(), state.getScope(), state.getFirstDay(), windows,
                state.getRecentIps(), state.getRecentFingerprints(), incident);
        if (state.getClosedIncidentId() != null && state.getClosedLastAlert() != null) {
            profile.closed(new ScopeProfile.ClosedIncident(state.getClosedIncidentId(),
                    AvroBytes.bytes(state.getClosedLastAlert()), state.getClosedEscalated()));
        }
        return profile;
    }


    /** Daily peaks are sums of whole rows; stored as such. */
    private static long[] rounded(double[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.round(values[i]);
        }
        return out;
    }
}
