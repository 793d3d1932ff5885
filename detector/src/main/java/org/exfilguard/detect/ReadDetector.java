package org.exfilguard.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.profile.AlertedDay;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.profile.WindowProfile;

/**
 * Scores each read as it arrives against the account's learnt baseline for every window, so an alert fires
 * while the extraction is still running. Plain Java: the processor that calls it owns the stores.
 */
public final class ReadDetector {

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final DetectionSettings settings;

    public ReadDetector(DetectionSettings settings) {
        this.settings = settings;
    }

    /** Adds one read to every window of the profile and returns each window's verdict, shortest window first. */
    public List<WindowVerdict> observe(ScopeProfile profile, Instant at, long rows, long bytes, PeerBaselines peers) {
        List<WindowVerdict> verdicts = new ArrayList<>(profile.windows().size());
        for (WindowProfile window : profile.windows()) {
            String name = window.spec().name();
            for (long closedPeak : window.rollDays(at, settings.recurrenceLookbackDays())) {
                if (closedPeak > 0) {
                    peers.add(profile.scope(), name, closedPeak);
                }
            }
            Threshold threshold = threshold(window, profile.scope(), peers);
            // What alerted before has left the window: the next crossing is a new one.
            if (window.advance(at) <= threshold.value()) {
                window.armed(true);
            }
            window.add(at, rows, bytes);
            long observed = window.sumRows();
            double score = observed / Math.max(threshold.value(), 1.0);
            WindowVerdict.State state;
            if (observed <= threshold.value()) {
                window.armed(true);
                window.observeClean(observed);
                state = WindowVerdict.State.BELOW;
            } else if (recurring(window, at, observed)) {
                window.observeClean(observed);
                state = WindowVerdict.State.RECURRING;
            } else if (window.armed()) {
                window.armed(false);
                window.recordAlert(at, observed);
                state = WindowVerdict.State.CROSSED;
            } else {
                window.recordAlert(at, observed);
                state = WindowVerdict.State.ABOVE;
            }
            // Where the sum ranks among the peers explains a cold-start alert; only alerts need it.
            boolean alerting = state == WindowVerdict.State.CROSSED || state == WindowVerdict.State.ABOVE;
            double peerRank = alerting && threshold.coldStart() && threshold.peerCount() > 0
                    ? peers.rank(profile.scope(), name, observed) : Double.NaN;
            verdicts.add(new WindowVerdict(window, state, observed, window.sumBytes(), threshold, score, peerRank));
        }
        return verdicts;
    }

    /**
     * The threshold for a window: from the account's own clean daily peaks once it has enough history;
     * before that from its peers' daily peaks for the same table (cold start), never waved through.
     */
    public Threshold threshold(WindowProfile window, String scope, PeerBaselines peers) {
        RobustStats stats = window.historyDerived(RobustStats.class, RobustStats::of);
        double personal = Math.max(Math.max(settings.ratioOverTypical() * stats.median(),
                        stats.median() + settings.madMultiplier() * stats.spread()),
                Math.max(settings.overPeakFactor() * stats.max(), window.spec().minRows()));
        if (stats.n() >= settings.minHistoryDays()) {
            return new Threshold(personal, stats.median(), stats.spread(), stats.max(), Threshold.PERSONAL, stats.n(), 0);
        }
        // Cold start: what the account has shown so far may only raise the bar, never lower it below its peers'.
        double ownSoFar = stats.n() > 0 ? personal : 0;
        String name = window.spec().name();
        long peerCount = peers.count(scope, name);
        if (peerCount >= settings.minPeers()) {
            double q = peers.quantile(scope, name, settings.peerQuantile());
            double value = Math.max(Math.max(settings.peerFactor() * q, window.spec().minRows()), ownSoFar);
            return new Threshold(value, q, 0, stats.max(), Threshold.PEER, stats.n(), peerCount);
        }
        double value = Math.max(settings.coldStartMinRows(), ownSoFar);
        return new Threshold(value, stats.median(), stats.spread(), stats.max(), Threshold.FLOOR, stats.n(), peerCount);
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
        long tolerance = settings.recurrenceTolerance().toMinutes();
        for (int i = 0; i < window.alertedDayCount(); i++) {
            AlertedDay day = window.alertedDay(i);
            if (day.epochDay() >= today) {
                continue;
            }
            int apart = Math.abs(day.minuteOfDay() - minute);
            int circular = Math.min(apart, 1440 - apart);
            if ((anyTimeOfDay || circular <= tolerance) && observed <= settings.recurrenceFactor() * day.peak()) {
                return true;
            }
        }
        return false;
    }
}
