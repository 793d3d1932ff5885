package org.exfilguard.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.NightNorm;
import org.exfilguard.detect.VolumeRules;
import org.exfilguard.incident.AvroBytes;
import org.exfilguard.profile.ActiveHours;
import org.exfilguard.profile.AlertedDay;
import org.exfilguard.profile.BandPeaks;
import org.exfilguard.profile.IncidentTally;
import org.exfilguard.profile.OpenIncident;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.profile.WindowProfile;
import org.exfilguard.profile.WindowSpec;
import org.exfilguard.schema.state.IncidentState;
import org.exfilguard.schema.state.ProfileState;
import org.exfilguard.schema.state.WindowState;

/**
 * Stores a {@link ScopeProfile} in a compact, versioned binary layout ({@link StateBytes}): the profile is read
 * and written on every event, and Avro's generic writer spent more time on it than the detection did. The first
 * byte is {@value #TAG}, which no Avro {@code ProfileState} record starts with (its first field is the non-empty
 * account), the second the layout version; state written by earlier versions as Avro {@code ProfileState} is
 * still read, so a rolling upgrade keeps every baseline. A window whose configuration changed (new window, other
 * sub-bucket count) starts afresh.
 *
 * <p>Layouts: 1 without, 2 with the incident tally at the end; 3 adds the account's active hours and the off-hours
 * window after it (state of layouts 1 and 2 starts them afresh, so the off-hours rule waits for a new history); 4 adds
 * each window's night-band peaks ({@link BandPeaks}) after its alerted days, with the band they were learnt in (state
 * of earlier layouts, or of another band, starts them afresh, so the night norm waits for new nights). The alerts kept are AvroBytes' (single-object encoding with the
 * writer's schema fingerprint); those of layout 1 (and of the Avro {@code ProfileState}), written before that, are
 * read with the first schema of {@code schemas/history}, which had no totals: their incidents go on without totals.
 */
final class ProfileCodec {

    static final int TAG = 0;
    static final int VERSION = 4;
    /** The layout before the windows' night-band peaks. */
    static final int VERSION_WITHOUT_BANDS = 3;
    /** The layout before the account's active hours and the off-hours window. */
    static final int VERSION_WITHOUT_HOURS = 2;
    /** The layout before the incident tally. */
    static final int VERSION_WITHOUT_TALLY = 1;
    /** More sub-buckets than any sane window has: a stored count above this is corrupt state. */
    private static final int MAX_SUB_BUCKETS = 100_000;

    private final VolumeRules volume;
    /** Null when the off-hours rule is off (or the volume has none, as egress). */
    private final WindowSpec offHoursWindow;
    /**
     * The night band the stored night peaks were learnt in, as minute of the day it starts times 1440 plus its length
     * in minutes; {@link #NO_BAND} when the night norm is off. Peaks of another band start afresh.
     */
    private final long bandKey;

    static final long NO_BAND = -1;

    private final AvroBytes<ProfileState> legacy = new AvroBytes<>(ProfileState.class);
    private final StateBytes.Writer writer = new StateBytes.Writer();

    /** The read side's profiles: the read windows and the off-hours window. */
    ProfileCodec(DetectionSettings settings) {
        this.volume = settings.volume();
        this.offHoursWindow =
                settings.offHours() == null ? null : settings.offHours().window();
        this.bandKey = bandKey(settings.nightNorm());
    }

    /** A volume's profiles without an off-hours window: a host's outbound bytes. */
    ProfileCodec(VolumeRules volume) {
        this.volume = volume;
        this.offHoursWindow = null;
        this.bandKey = NO_BAND;
    }

    byte[] encode(ScopeProfile profile) {
        StateBytes.Writer out = writer.reset().writeByte(TAG).writeByte(VERSION);
        out.writeString(profile.account()).writeString(profile.scope()).writeLong(profile.firstDay());
        out.writeLong(profile.windows().size());
        for (WindowProfile w : profile.windows()) {
            writeWindow(out, w, bandKey);
        }
        writeMap(out, profile.recentIps());
        writeMap(out, profile.recentFingerprints());
        OpenIncident incident = profile.incident();
        out.writeBoolean(incident != null);
        if (incident != null) {
            out.writeString(incident.incidentId())
                    .writeLong(incident.openedAt().toEpochMilli())
                    .writeLong(incident.firstSeen().toEpochMilli())
                    .writeLong(incident.lastActivity().toEpochMilli())
                    .writeLong(incident.lastAlertAt().toEpochMilli())
                    .writeLong(incident.alerts())
                    .writeDouble(incident.lastScore())
                    .writeString(incident.severity())
                    .writeBytes(incident.lastAlert())
                    .writeBoolean(incident.escalated())
                    .writeOptionalBytes(incident.egressEvidence());
        }
        ScopeProfile.ClosedIncident closed = profile.closed();
        out.writeBoolean(closed != null);
        if (closed != null) {
            out.writeString(closed.incidentId()).writeBytes(closed.lastAlert()).writeBoolean(closed.escalated());
        }
        IncidentTally tally = profile.tally();
        out.writeBoolean(tally != null);
        if (tally != null) {
            out.writeString(tally.incidentId())
                    .writeLong(tally.firstRead().toEpochMilli())
                    .writeLong(tally.lastRead().toEpochMilli())
                    .writeLong(tally.rows())
                    .writeLong(tally.bytes())
                    .writeLong(tally.largestRead());
            writeMap(out, tally.clientIps());
            writeMap(out, tally.fingerprints());
            writeMap(out, tally.egressBySource());
            writeMap(out, tally.destinations());
        }
        ActiveHours hours = profile.activeHours();
        out.writeBoolean(hours != null);
        if (hours != null) {
            out.writeLong(hours.firstDay()).writeLong(hours.day());
            long[] masks = hours.masks();
            int used = 0;
            for (long m : masks) {
                used += m != 0 ? 1 : 0;
            }
            out.writeLong(used);
            int last = -1;
            for (int i = 0; i < masks.length; i++) {
                if (masks[i] != 0) {
                    out.writeLong(i - last).writeLong(masks[i]);
                    last = i;
                }
            }
        }
        WindowProfile offHours = profile.offHours();
        out.writeBoolean(offHours != null);
        if (offHours != null) {
            writeWindow(out, offHours, bandKey);
        }
        return out.toByteArray();
    }

    /** A band's key (see {@link #bandKey}); the zone is not part of it. */
    static long bandKey(NightNorm night) {
        if (night == null) {
            return NO_BAND;
        }
        return night.start().toSecondOfDay() / 60 * 1440L + night.length().toMinutes();
    }

    private static void writeWindow(StateBytes.Writer out, WindowProfile w, long bandKey) {
        int slots = w.spec().subBuckets();
        out.writeString(w.spec().name())
                .writeLong(slots)
                .writeLong(w.head())
                .writeLong(w.day())
                .writeLong(w.dayPeak())
                .writeBoolean(w.armed());
        // Sparse: most sub-buckets are empty. The count of used slots, then each as (gap from the last, rows, bytes).
        int used = 0;
        for (int i = 0; i < slots; i++) {
            if (w.rowsAt(i) != 0 || w.bytesAt(i) != 0) {
                used++;
            }
        }
        out.writeLong(used);
        int last = -1;
        for (int i = 0; i < slots; i++) {
            if (w.rowsAt(i) != 0 || w.bytesAt(i) != 0) {
                out.writeLong(i - last).writeLong(w.rowsAt(i)).writeLong(w.bytesAt(i));
                last = i;
            }
        }
        // Daily peaks are sums of whole rows; stored as such.
        out.writeLong(w.historySize());
        for (int i = 0; i < w.historySize(); i++) {
            out.writeLong(Math.round(w.historyAt(i)));
        }
        out.writeLong(w.alertedDayCount());
        for (int i = 0; i < w.alertedDayCount(); i++) {
            AlertedDay d = w.alertedDay(i);
            out.writeLong(d.epochDay()).writeLong(d.minuteOfDay()).writeLong(d.peak());
        }
        BandPeaks band = w.band();
        out.writeBoolean(band != null);
        if (band != null) {
            out.writeLong(bandKey).writeLong(band.day()).writeLong(band.peak()).writeLong(band.historySize());
            for (int i = 0; i < band.historySize(); i++) {
                out.writeLong(Math.round(band.historyAt(i)));
            }
        }
    }

    ScopeProfile decode(byte[] bytes, Instant now) {
        if (bytes.length == 0 || bytes[0] != TAG) {
            return decodeLegacy(bytes, now);
        }
        StateBytes.Reader in = new StateBytes.Reader(bytes, 1);
        int version = in.readByte();
        if (version != VERSION
                && version != VERSION_WITHOUT_BANDS
                && version != VERSION_WITHOUT_HOURS
                && version != VERSION_WITHOUT_TALLY) {
            throw new IllegalStateException("profile state has layout version " + version + "; this detector reads "
                    + VERSION + " (state written by a newer version: roll back the upgrade, or reset the application)");
        }
        String account = in.readString();
        String scope = in.readString();
        long firstDay = in.readLong();
        int stored = in.readLength();
        boolean withBands = version >= VERSION;
        Map<String, WindowProfile> byName = new HashMap<>();
        for (int n = 0; n < stored; n++) {
            StoredWindow w = readWindow(in, withBands);
            WindowSpec spec = spec(w.name());
            if (spec != null && spec.subBuckets() == w.rows().length) {
                byName.put(w.name(), w.restore(spec, volume.historyDays(), bandKey));
            }
        }
        Map<String, Long> ips = readMap(in);
        Map<String, Long> fingerprints = readMap(in);
        boolean previous = version == VERSION_WITHOUT_TALLY;
        boolean withHours = version >= VERSION_WITHOUT_BANDS;
        OpenIncident incident = null;
        if (in.readBoolean()) {
            incident = new OpenIncident(
                    in.readString(),
                    Instant.ofEpochMilli(in.readLong()),
                    Instant.ofEpochMilli(in.readLong()),
                    Instant.ofEpochMilli(in.readLong()),
                    Instant.ofEpochMilli(in.readLong()),
                    in.readInt(),
                    in.readDouble(),
                    in.readString(),
                    in.readBytes(),
                    in.readBoolean(),
                    in.readOptionalBytes());
        }
        ScopeProfile.ClosedIncident closed = null;
        if (in.readBoolean()) {
            closed = new ScopeProfile.ClosedIncident(in.readString(), in.readBytes(), in.readBoolean());
        }
        IncidentTally tally = null;
        if (!previous && in.readBoolean()) {
            tally = new IncidentTally(
                    in.readString(),
                    Instant.ofEpochMilli(in.readLong()),
                    Instant.ofEpochMilli(in.readLong()),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    readMap(in),
                    readMap(in),
                    readMap(in),
                    readMap(in));
        }
        ActiveHours hours = null;
        WindowProfile offHours = null;
        if (withHours && in.readBoolean()) {
            long first = in.readLong();
            long day = in.readLong();
            long[] masks = new long[48];
            int used = in.readLength();
            int band = -1;
            for (int i = 0; i < used; i++) {
                band += in.readInt();
                if (band < 0 || band >= masks.length) {
                    throw new IllegalArgumentException("profile state: active hours have a band " + band);
                }
                masks[band] = in.readLong();
            }
            hours = new ActiveHours(first, day, masks);
        }
        if (withHours && in.readBoolean()) {
            StoredWindow w = readWindow(in, withBands);
            WindowSpec spec = offHoursWindow;
            // A reshaped off-hours window starts afresh, as the others do.
            if (spec != null && spec.name().equals(w.name()) && spec.subBuckets() == w.rows().length) {
                offHours = w.restore(spec, 1, bandKey);
            }
        }
        if (!in.atEnd()) {
            throw new IllegalArgumentException(
                    "profile state of " + bytes.length + " bytes has bytes left after its last field");
        }
        ScopeProfile profile =
                new ScopeProfile(account, scope, firstDay, configured(byName, now), ips, fingerprints, incident);
        profile.closed(closed);
        profile.tally(tally);
        profile.activeHours(hours);
        profile.offHours(offHours);
        return profile;
    }

    /** A window as stored, before it is matched with the configuration. */
    private record StoredWindow(
            String name,
            long[] rows,
            long[] bytes,
            long head,
            long day,
            long dayPeak,
            boolean armed,
            long[] history,
            List<AlertedDay> alerted,
            long bandKey,
            long bandDay,
            long bandPeak,
            long[] bandHistory) {
        /** The window in {@code spec}; its night peaks only when they were learnt in the band of {@code band}. */
        WindowProfile restore(WindowSpec spec, int historyDays, long band) {
            WindowProfile w = window(spec, historyDays, rows, bytes, head, day, dayPeak, armed, history, alerted);
            if (bandHistory != null && bandKey == band) {
                w.band(new BandPeaks(
                        bandDay,
                        bandPeak,
                        newest(bandHistory, historyDays),
                        Math.min(bandHistory.length, historyDays)));
            }
            return w;
        }
    }

    /** A stored history in an array of {@code capacity}: of a longer one, the newest entries are kept. */
    private static double[] newest(long[] stored, int capacity) {
        double[] history = new double[capacity];
        int keep = Math.min(stored.length, capacity);
        for (int i = 0; i < keep; i++) {
            history[i] = stored[stored.length - keep + i];
        }
        return history;
    }

    private static long[] readHistory(StateBytes.Reader in) {
        int size = in.readLength();
        long[] history = new long[size];
        for (int i = 0; i < size; i++) {
            history[i] = in.readLong();
        }
        return history;
    }

    private static StoredWindow readWindow(StateBytes.Reader in, boolean withBand) {
        String name = in.readString();
        int slots = in.readInt();
        if (slots < 1 || slots > MAX_SUB_BUCKETS) {
            throw new IllegalArgumentException("profile state: window " + name + " has " + slots + " sub-buckets");
        }
        long head = in.readLong();
        long day = in.readLong();
        long dayPeak = in.readLong();
        boolean armed = in.readBoolean();
        long[] rows = new long[slots];
        long[] sums = new long[slots];
        int used = in.readLength();
        int slot = -1;
        for (int i = 0; i < used; i++) {
            slot += in.readInt();
            if (slot < 0 || slot >= slots) {
                throw new IllegalArgumentException(
                        "profile state: window " + name + " has a sub-bucket at slot " + slot + " of " + slots);
            }
            rows[slot] = in.readLong();
            sums[slot] = in.readLong();
        }
        long[] history = readHistory(in);
        int alertedCount = in.readLength();
        List<AlertedDay> alerted = new ArrayList<>(alertedCount);
        for (int i = 0; i < alertedCount; i++) {
            alerted.add(new AlertedDay(in.readLong(), in.readInt(), in.readLong()));
        }
        long bandKey = NO_BAND;
        long bandDay = BandPeaks.NONE;
        long bandPeak = BandPeaks.NO_PEAK;
        long[] bandHistory = null;
        if (withBand && in.readBoolean()) {
            bandKey = in.readLong();
            bandDay = in.readLong();
            bandPeak = in.readLong();
            if (bandPeak < BandPeaks.NO_PEAK) {
                throw new IllegalArgumentException("profile state: window " + name + " has a band peak " + bandPeak);
            }
            bandHistory = readHistory(in);
        }
        return new StoredWindow(
                name, rows, sums, head, day, dayPeak, armed, history, alerted, bandKey, bandDay, bandPeak, bandHistory);
    }

    private WindowSpec spec(String name) {
        for (WindowSpec spec : volume.windows()) {
            if (spec.name().equals(name)) {
                return spec;
            }
        }
        return null;
    }

    /** The configured windows in their configured order: stored ones restored, new or reshaped ones fresh. */
    private List<WindowProfile> configured(Map<String, WindowProfile> stored, Instant now) {
        List<WindowProfile> windows = new ArrayList<>(volume.windows().size());
        for (WindowSpec spec : volume.windows()) {
            WindowProfile w = stored.get(spec.name());
            windows.add(w != null ? w : new WindowProfile(spec, volume.historyDays(), now));
        }
        return windows;
    }

    /** A stored window; of a history longer than the configured one, the newest days are kept. */
    private static WindowProfile window(
            WindowSpec spec,
            int historyDays,
            long[] rows,
            long[] bytes,
            long head,
            long day,
            long dayPeak,
            boolean armed,
            long[] storedHistory,
            List<AlertedDay> alerted) {
        int keep = Math.min(storedHistory.length, historyDays);
        return new WindowProfile(
                spec, rows, bytes, head, day, dayPeak, armed, newest(storedHistory, historyDays), keep, alerted);
    }

    private static void writeMap(StateBytes.Writer out, Map<String, Long> map) {
        out.writeLong(map.size());
        for (Map.Entry<String, Long> e : map.entrySet()) {
            out.writeString(e.getKey()).writeLong(e.getValue());
        }
    }

    private static Map<String, Long> readMap(StateBytes.Reader in) {
        int n = in.readLength();
        Map<String, Long> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(in.readString(), in.readLong());
        }
        return map;
    }

    /** State written before the compact layout: the Avro {@code ProfileState} record. */
    private ScopeProfile decodeLegacy(byte[] bytes, Instant now) {
        ProfileState state = legacy.decode(bytes);
        Map<String, WindowProfile> byName = new HashMap<>();
        for (WindowState w : state.getWindows()) {
            WindowSpec spec = spec(w.getName());
            byte[] rows = AvroBytes.bytes(w.getBucketRows());
            if (spec == null || Varints.count(rows) != spec.subBuckets()) {
                continue;
            }
            byte[] packedHistory = AvroBytes.bytes(w.getHistory());
            byName.put(
                    spec.name(),
                    window(
                            spec,
                            volume.historyDays(),
                            Varints.unpack(rows, spec.subBuckets()),
                            Varints.unpack(AvroBytes.bytes(w.getBucketBytes()), spec.subBuckets()),
                            w.getHead(),
                            w.getDay(),
                            w.getDayPeak(),
                            w.getArmed(),
                            Varints.unpack(packedHistory, Varints.count(packedHistory)),
                            w.getAlertedDays().stream()
                                    .map(d -> new AlertedDay(d.getDay(), d.getMinuteOfDay(), d.getPeak()))
                                    .toList()));
        }
        IncidentState i = state.getIncident();
        OpenIncident incident = i == null
                ? null
                : new OpenIncident(
                        i.getIncidentId(),
                        i.getOpenedAt(),
                        i.getFirstSeen(),
                        i.getLastActivity(),
                        i.getLastAlertAt(),
                        i.getAlerts(),
                        i.getLastScore(),
                        i.getSeverity(),
                        AvroBytes.bytes(i.getLastAlert()),
                        i.getEscalated(),
                        i.getEgressEvidence() == null ? null : AvroBytes.bytes(i.getEgressEvidence()));
        ScopeProfile profile = new ScopeProfile(
                state.getAccount(),
                state.getScope(),
                state.getFirstDay(),
                configured(byName, now),
                state.getRecentIps(),
                state.getRecentFingerprints(),
                incident);
        if (state.getClosedIncidentId() != null && state.getClosedLastAlert() != null) {
            profile.closed(new ScopeProfile.ClosedIncident(
                    state.getClosedIncidentId(),
                    AvroBytes.bytes(state.getClosedLastAlert()),
                    state.getClosedEscalated()));
        }
        return profile;
    }
}
