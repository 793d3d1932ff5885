package org.exfilguard.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.profile.ActiveHours;
import org.exfilguard.profile.AlertedDay;
import org.exfilguard.profile.BandPeaks;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.profile.WindowProfile;

/**
 * Scores each read as it arrives against the account's learnt baseline for every window, so an alert fires
 * while the extraction is still running. Plain Java: the processor that calls it owns the stores.
 */
public final class ReadDetector {

    private static final long MILLIS_PER_DAY = 86_400_000L;
    private static final TierFloors.Factors NO_TIER = new TierFloors.Factors(1, 1);
    /** The off-hours window has no peers: its norm is zero by definition. */
    private static final PeerBaselines NO_PEERS = new PeerBaselines() {
        @Override
        public long count(String scope, String window) {
            return 0;
        }

        @Override
        public double quantile(String scope, String window, double q) {
            return Double.NaN;
        }

        @Override
        public double rank(String scope, String window, double value) {
            return Double.NaN;
        }

        @Override
        public void add(String scope, String window, double peak) {}
    };

    private final VolumeRules rules;
    private final Thresholds thresholds;
    private final ColdStart coldStart;
    private final Recurrence recurrence;
    /** Null for a volume without tables (egress): no tier applies. */
    private final SensitiveTables tables;

    private final TierFloors tierFloors;
    /** Null: the off-hours rule is off. */
    private final DetectionSettings.OffHours offHoursRule;
    /** Null: the night norm is off. */
    private final NightNorm nightNorm;

    /** A detector of the rows accounts read from the sensitive tables. */
    public ReadDetector(DetectionSettings settings) {
        this(
                settings.volume(),
                settings.sensitiveTables(),
                settings.tierFloors(),
                settings.offHours(),
                settings.nightNorm());
    }

    private ReadDetector(
            VolumeRules rules,
            SensitiveTables tables,
            TierFloors tierFloors,
            DetectionSettings.OffHours offHours,
            NightNorm nightNorm) {
        this.rules = rules;
        this.thresholds = rules.thresholds();
        this.coldStart = rules.coldStart();
        this.recurrence = rules.recurrence();
        this.tables = tables;
        this.tierFloors = tierFloors;
        this.offHoursRule = offHours;
        this.nightNorm = nightNorm;
    }

    /** A detector of a volume without tables, the off-hours rule or the night norm: the bytes a host sends out. */
    public static ReadDetector ofVolume(VolumeRules rules) {
        return new ReadDetector(rules, null, TierFloors.defaults(), null, null);
    }

    /** Adds one read to every window of the profile and returns each window's verdict, shortest window first. */
    public List<WindowVerdict> observe(ScopeProfile profile, Instant at, long rows, long bytes, PeerBaselines peers) {
        return observe(profile, at, rows, bytes, peers, null);
    }

    /**
     * Adds one read to every window of the profile and returns each window's verdict, shortest window first, then the
     * off-hours window's when the rule is on. {@code accountHours} says when the account reads (its all-tables
     * profile's {@link ActiveHours}; null when it has none yet): the all-tables profile uses and updates its own.
     */
    public List<WindowVerdict> observe(
            ScopeProfile profile, Instant at, long rows, long bytes, PeerBaselines peers, ActiveHours accountHours) {
        List<WindowVerdict> verdicts = new ArrayList<>(profile.windows().size() + 1);
        boolean recurringJob = false;
        boolean all = ScopeProfile.ALL_SENSITIVE.equals(profile.scope());
        NightNorm night = nightNorm;
        long bandDay = night == null ? BandPeaks.NONE : night.bandDay(at);
        for (WindowProfile window : profile.windows()) {
            String name = window.spec().name();
            for (long closedPeak : window.rollDays(at, recurrence.lookbackDays())) {
                if (closedPeak > 0) {
                    peers.add(profile.scope(), name, closedPeak);
                }
            }
            Threshold threshold = threshold(window, profile.scope(), peers);
            BandPeaks band = null;
            if (bandDay != BandPeaks.NONE && night.applies(window.spec().length())) {
                band = window.band();
                if (band == null) {
                    band = new BandPeaks(rules.historyDays());
                    window.band(band);
                }
                band.roll(bandDay);
                threshold = atNight(
                        window, band, threshold, profile.scope(), at, all ? profile.activeHours() : accountHours);
            }
            WindowVerdict.State state = judge(window, at, rows, bytes, true, threshold.value(), false);
            if (band != null && (state == WindowVerdict.State.BELOW || state == WindowVerdict.State.RECURRING)) {
                band.observeClean(bandDay, window.sumRows());
            }
            recurringJob |= state == WindowVerdict.State.RECURRING;
            verdicts.add(verdict(window, state, threshold, profile.scope(), peers));
        }
        DetectionSettings.OffHours rule = offHoursRule;
        if (rule != null) {
            if (all && profile.activeHours() == null) {
                profile.activeHours(ActiveHours.fresh(at, rule.zone()));
            }
            ActiveHours hours = all ? profile.activeHours() : accountHours;
            verdicts.add(offHours(profile, at, rows, bytes, hours, recurringJob));
            // Learnt after judging: a read is never part of its own hour's history.
            if (all) {
                hours.record(at, rule.zone());
            }
        }
        return verdicts;
    }

    /**
     * Whether {@link #observe} of a read at {@code at} would consult the peer baselines for {@code profile} (null: a
     * scope the account has never read, judged by a fresh profile): it does when one of its windows still has fewer
     * than {@code minHistoryDays} clean daily peaks once moved to the read's day (cold start: the peers' threshold,
     * and the peer percentile of its alerts). A window with enough history of its own never asks the peers; the
     * off-hours window and the night norm never do.
     */
    public boolean judgesByPeers(ScopeProfile profile, Instant at) {
        if (profile == null) {
            return coldStart.minHistoryDays() > 0;
        }
        for (WindowProfile window : profile.windows()) {
            if (window.historySizeAt(at) < coldStart.minHistoryDays()) {
                return true;
            }
        }
        return false;
    }

    /** Moves a window's state for one read and says where its sum stands against {@code limit}. */
    private WindowVerdict.State judge(
            WindowProfile window,
            Instant at,
            long rows,
            long bytes,
            boolean counts,
            double limit,
            boolean recurringJob) {
        // What alerted before has left the window: the next crossing is a new one.
        if (window.advance(at) <= limit) {
            window.armed(true);
        }
        if (counts) {
            window.add(at, rows, bytes);
        }
        long observed = window.sumRows();
        if (observed <= limit) {
            window.armed(true);
            window.observeClean(observed);
            return WindowVerdict.State.BELOW;
        }
        if (recurringJob || recurring(window, at, observed)) {
            window.observeClean(observed);
            return WindowVerdict.State.RECURRING;
        }
        window.recordAlert(at, observed);
        if (window.armed()) {
            window.armed(false);
            return WindowVerdict.State.CROSSED;
        }
        return WindowVerdict.State.ABOVE;
    }

    private WindowVerdict verdict(
            WindowProfile window, WindowVerdict.State state, Threshold threshold, String scope, PeerBaselines peers) {
        long observed = window.sumRows();
        double score = observed / Math.max(threshold.value(), 1.0);
        // Where the sum ranks among the peers explains a cold-start alert; only alerts need it.
        boolean alerting = state == WindowVerdict.State.CROSSED || state == WindowVerdict.State.ABOVE;
        double peerRank = alerting && threshold.coldStart() && threshold.peerCount() > 0
                ? peers.rank(scope, window.spec().name(), observed)
                : Double.NaN;
        return new WindowVerdict(window, state, observed, window.sumBytes(), threshold, score, peerRank);
    }

    /**
     * Whether the read just observed ({@code verdicts}, from {@link #observe}) is a weak read: no window alerts or
     * knows it as a recurring job, and a window shorter than a day, judged against the account's own history, holds
     * at least {@code weak.factor()} times the account's norm for the hour and at least the tier-scaled
     * {@code weak.minRows()} (see {@link WeakReadSettings}). The window furthest above its weak level; null if none.
     */
    public WeakRead weak(
            ScopeProfile profile,
            Instant at,
            List<WindowVerdict> verdicts,
            ActiveHours accountHours,
            WeakReadSettings weak) {
        if (!weak.enabled() || verdicts.stream().anyMatch(v -> v.state() != WindowVerdict.State.BELOW)) {
            return null;
        }
        DetectionSettings.OffHours rule = offHoursRule;
        boolean habitual = true;
        if (accountHours != null) {
            java.time.ZoneId zone = rule == null ? java.time.ZoneOffset.UTC : rule.zone();
            int habitDays = rule == null ? 1 : rule.habitDays();
            habitual = accountHours.daysWatched(at, zone) < coldStart.minHistoryDays()
                    || accountHours.daysReadAround(at, zone, rules.historyDays()) >= habitDays;
        }
        double floor = weak.minRows() * factors(profile.scope()).bulk();
        WeakRead best = null;
        for (WindowVerdict v : verdicts) {
            WindowProfile window = v.window();
            if (!profile.windows().contains(window)
                    || window.spec().length().compareTo(java.time.Duration.ofDays(1)) >= 0
                    || !(Threshold.PERSONAL.equals(v.threshold().method())
                            || Threshold.NIGHT.equals(v.threshold().method()))) {
                continue;
            }
            RobustStats stats = window.historyDerived(RobustStats.class, RobustStats::of);
            double norm = habitual ? stats.median() : 0;
            double level = Math.max(Math.max(weak.factor() * norm, habitual ? stats.max() : 0), floor);
            if (v.observedRows() < level) {
                continue;
            }
            Threshold threshold =
                    new Threshold(level, norm, stats.spread(), stats.max(), Threshold.HOUR_NORM, stats.n(), 0);
            WindowVerdict found = new WindowVerdict(
                    window,
                    WindowVerdict.State.BELOW,
                    v.observedRows(),
                    v.observedBytes(),
                    threshold,
                    v.observedRows() / Math.max(level, 1.0),
                    Double.NaN);
            if (best == null || found.score() > best.verdict().score()) {
                best = new WeakRead(found, v.threshold().value(), habitual);
            }
        }
        return best;
    }

    /**
     * The off-hours window: the rows read at hours the account never reads, against the window's floor scaled by the
     * table's tier. It waits for {@code minHistoryDays} of the account's history (before that, the peers judge a new
     * account); a read that a longer window knows as a recurring job is not an off-hours read either.
     */
    private WindowVerdict offHours(
            ScopeProfile profile, Instant at, long rows, long bytes, ActiveHours hours, boolean recurringJob) {
        DetectionSettings.OffHours rule = offHoursRule;
        WindowProfile window = profile.offHours();
        if (window == null) {
            window = new WindowProfile(rule.window(), 1, at);
            profile.offHours(window);
        }
        window.rollDays(at, recurrence.lookbackDays());
        long watched = hours == null ? 0 : hours.daysWatched(at, rule.zone());
        boolean unusualHour = watched >= coldStart.minHistoryDays()
                && hours.daysReadAround(at, rule.zone(), rules.historyDays()) < rule.habitDays();
        double limit = rule.window().minRows() * factors(profile.scope()).offHours();
        Threshold threshold =
                new Threshold(limit, 0, 0, 0, Threshold.OFF_HOURS, (int) Math.min(watched, rules.historyDays()), 0);
        WindowVerdict.State state = judge(window, at, rows, bytes, unusualHour, limit, recurringJob);
        return verdict(window, state, threshold, profile.scope(), NO_PEERS);
    }

    /**
     * The factors of a scope's sensitivity tier: the table's own, the least sensitive table's for the all-tables
     * scope (reads of the member table are never held to the card table's floors), none for other scopes.
     */
    private TierFloors.Factors factors(String scope) {
        if (tables == null) {
            return NO_TIER;
        }
        SensitivityTier tier = ScopeProfile.ALL_SENSITIVE.equals(scope) ? tables.leastSensitive() : tables.tier(scope);
        return tier == null ? NO_TIER : tierFloors.of(tier);
    }

    /**
     * The threshold for a window: from the account's own clean daily peaks once it has enough history;
     * before that from its peers' daily peaks for the same table (cold start), never waved through. The floors
     * follow the table's sensitivity tier.
     */
    public Threshold threshold(WindowProfile window, String scope, PeerBaselines peers) {
        double tier = factors(scope).bulk();
        double floor = window.spec().minRows() * tier;
        RobustStats stats = window.historyDerived(RobustStats.class, RobustStats::of);
        double personal = overHistory(stats, floor);
        if (stats.n() >= coldStart.minHistoryDays()) {
            return new Threshold(
                    personal, stats.median(), stats.spread(), stats.max(), Threshold.PERSONAL, stats.n(), 0);
        }
        // Cold start: what the account has shown so far may only raise the bar, never lower it below its peers'.
        double ownSoFar = stats.n() > 0 ? personal : 0;
        String name = window.spec().name();
        long peerCount = peers.count(scope, name);
        if (peerCount >= coldStart.minPeers()) {
            double q = peers.quantile(scope, name, coldStart.peerQuantile());
            double value = Math.max(Math.max(coldStart.peerFactor() * q, floor), ownSoFar);
            return new Threshold(value, q, 0, stats.max(), Threshold.PEER, stats.n(), peerCount);
        }
        double value = Math.max(coldStart.floor() * tier, ownSoFar);
        return new Threshold(value, stats.median(), stats.spread(), stats.max(), Threshold.FLOOR, stats.n(), peerCount);
    }

    /** The {@link Thresholds} over a history of clean peaks: the largest of the three rules and {@code floor}. */
    private double overHistory(RobustStats stats, double floor) {
        return Math.max(
                Math.max(
                        thresholds.ratioOverTypical() * stats.median(),
                        stats.median() + thresholds.madMultiplier() * stats.spread()),
                Math.max(thresholds.overPeakFactor() * stats.max(), floor));
    }

    /**
     * A window's threshold at a read in the night band: the account's own clean peaks in the band judged as its daily
     * peaks are ({@link Thresholds}, the tier's floor), when that is lower than {@code daily}. Only an account judged
     * by its own history whose band history has {@code minHistoryDays} band-days with reads, and which (when its
     * active hours are known) read in the band's hours on as many of the last {@code historyDays} days, is judged so:
     * an account that starts reading at night, or reads at night now and then, keeps its daily threshold.
     */
    private Threshold atNight(
            WindowProfile window, BandPeaks band, Threshold daily, String scope, Instant at, ActiveHours hours) {
        if (!Threshold.PERSONAL.equals(daily.method())) {
            return daily;
        }
        RobustStats stats = band.historyDerived(RobustStats.class, RobustStats::of);
        if (stats.n() < coldStart.minHistoryDays()) {
            return daily;
        }
        if (hours != null
                && hours.daysReadInHours(at, nightNorm.zone(), nightNorm.hours(), rules.historyDays())
                        < coldStart.minHistoryDays()) {
            return daily;
        }
        double value =
                overHistory(stats, window.spec().minRows() * factors(scope).bulk() * nightNorm.floorFactor());
        if (value >= daily.value()) {
            return daily;
        }
        return new Threshold(value, stats.median(), stats.spread(), stats.max(), Threshold.NIGHT, stats.n(), 0);
    }

    /**
     * A sum that alerted on an earlier day at about this time of day, and is not much larger, is a job that
     * recurs. Windows of a day or more span the whole day, so for them any time of day matches: a steady
     * daily volume that alerted on its first day is the account's normal, not a new extraction each day.
     */
    private boolean recurring(WindowProfile window, Instant at, long observed) {
        boolean anyTimeOfDay = window.spec().length().compareTo(java.time.Duration.ofDays(1)) >= 0;
        long today = Math.floorDiv(at.toEpochMilli(), MILLIS_PER_DAY);
        int minute = (int) (Math.floorMod(at.toEpochMilli(), MILLIS_PER_DAY) / 60_000);
        long tolerance = recurrence.tolerance().toMinutes();
        for (int i = 0; i < window.alertedDayCount(); i++) {
            AlertedDay day = window.alertedDay(i);
            if (day.epochDay() >= today) {
                continue;
            }
            int apart = Math.abs(day.minuteOfDay() - minute);
            int circular = Math.min(apart, 1440 - apart);
            if ((anyTimeOfDay || circular <= tolerance) && observed <= recurrence.factor() * day.peak()) {
                return true;
            }
        }
        return false;
    }
}
