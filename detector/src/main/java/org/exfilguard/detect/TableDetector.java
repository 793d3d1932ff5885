package org.exfilguard.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.exfilguard.profile.TableProfile;
import org.exfilguard.profile.WindowSpec;

/**
 * Judges a sensitive table's reads across all accounts, a minute at a time, against the table's own norm for the
 * time of week. What it measures is the sustained breadth of the reading:
 * <ul>
 *   <li>breadth: the window's rows without the accounts that dominate it (an account holding at least half of what
 *       is left is taken out, repeatedly). One account's bulk read, or the night's backup jobs, are the accounts' own
 *       profiles' business and would swamp the sum; several accounts reading at ordinary rates at once are what
 *       only the table sees;</li>
 *   <li>sustained: the window's length times the median minute of the rest. Reports that a dozen accounts run a few times a day
 *       (quarter end) land in a few minutes and leave the median alone; accounts paging through the table at once
 *       raise every minute.</li>
 * </ul>
 */
public final class TableDetector {

    private static final long MINUTE_MILLIS = 60_000L;

    /** An account's part of a window's breadth. */
    public record Share(String account, long rows, double share) {}

    /** How one window of the table stands after a minute. */
    public record Verdict(
            int window,
            WindowSpec spec,
            long minute,
            long volume,
            int accounts,
            double threshold,
            double typical,
            double spread,
            int historyDays,
            boolean alerting,
            List<Share> contributors) {

        /** Volume over threshold; 1.0 is the threshold (0 while the time of week is still learnt). */
        public double score() {
            return threshold <= 0 ? 0 : volume / threshold;
        }

        /** Start of the window (epoch millis). */
        public long windowStartMillis() {
            return (minute + 1 - spec.length().toMinutes()) * MINUTE_MILLIS;
        }

        /** End of the window: the end of its last minute (epoch millis). */
        public long windowEndMillis() {
            return (minute + 1) * MINUTE_MILLIS;
        }
    }

    /** A volume, and the accounts whose rows made it (most rows first). */
    record Breadth(long volume, List<Map.Entry<String, Long>> accounts) {}

    private final TableSettings settings;

    public TableDetector(TableSettings settings) {
        this.settings = settings;
    }

    /** Adds one minute's rows by account (epoch minute {@code minute}) and returns each window's verdict. */
    public List<Verdict> observe(TableProfile profile, long minute, Map<String, Long> rowsByAccount) {
        profile.rollTo(minute);
        profile.addMinute(minute, rowsByAccount, settings.longestMinutes());
        int slot = profile.slotOfMinute(minute);
        List<Verdict> verdicts = new ArrayList<>(settings.windows().size());
        for (int w = 0; w < settings.windows().size(); w++) {
            WindowSpec spec = settings.windows().get(w);
            Breadth breadth = sustained(profile, minute, (int) spec.length().toMinutes());
            long[] history = profile.history(w, slot);
            double[] values = new double[history.length];
            for (int i = 0; i < history.length; i++) {
                values[i] = history[i];
            }
            RobustStats stats = RobustStats.of(values);
            double threshold = Math.max(
                    Math.max(
                            settings.ratioOverTypical() * stats.median(),
                            stats.median() + settings.madMultiplier() * stats.spread()),
                    Math.max(settings.overPeakFactor() * stats.max(), spec.minRows()));
            boolean learnt = stats.n() >= settings.minHistoryDays();
            boolean alerting = learnt && breadth.volume() > threshold;
            if (!alerting) {
                // A surge must not teach the time of week that it is normal.
                profile.observeClean(w, breadth.volume());
            }
            verdicts.add(new Verdict(
                    w,
                    spec,
                    minute,
                    breadth.volume(),
                    breadth.accounts().size(),
                    learnt ? threshold : 0,
                    stats.median(),
                    stats.spread(),
                    stats.n(),
                    alerting,
                    alerting ? contributors(breadth) : List.of()));
        }
        return verdicts;
    }

    /**
     * The window's sustained breadth: the accounts that dominate the window are taken out ({@link #breadth}), and
     * the rest's rows are summed per minute; the volume is the window's length times the median of those minutes
     * (minutes without reads count as zero). The accounts are the rest, with their rows in the window, most first.
     */
    static Breadth sustained(TableProfile profile, long minute, int minutes) {
        Map<String, Long> window = new java.util.HashMap<>();
        for (int i = 0; i < minutes; i++) {
            Map<String, Long> rows = profile.recent().get(minute - i);
            if (rows != null) {
                rows.forEach((k, v) -> window.merge(k, v, TableDetector::saturatedAdd));
            }
        }
        Breadth rest = breadth(window);
        java.util.Set<String> kept = new java.util.HashSet<>();
        rest.accounts().forEach(e -> kept.add(e.getKey()));
        long[] perMinute = new long[minutes];
        for (int i = 0; i < minutes; i++) {
            Map<String, Long> rows = profile.recent().get(minute - i);
            if (rows != null) {
                for (Map.Entry<String, Long> e : rows.entrySet()) {
                    if (kept.contains(e.getKey())) {
                        perMinute[i] = saturatedAdd(perMinute[i], e.getValue());
                    }
                }
            }
        }
        java.util.Arrays.sort(perMinute);
        long median =
                minutes % 2 == 1 ? perMinute[minutes / 2] : (perMinute[minutes / 2 - 1] + perMinute[minutes / 2]) / 2;
        return new Breadth(saturatedMultiply(median, minutes), rest.accounts());
    }

    private static long saturatedMultiply(long a, int b) {
        long r = a * b;
        return b != 0 && r / b != a ? Long.MAX_VALUE : r;
    }

    /** Takes out the accounts that hold at least half of what is left, largest first. */
    static Breadth breadth(Map<String, Long> rowsByAccount) {
        List<Map.Entry<String, Long>> sorted = rowsByAccount.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .toList();
        long total = 0;
        for (Map.Entry<String, Long> e : sorted) {
            total = saturatedAdd(total, e.getValue());
        }
        int first = 0;
        while (first < sorted.size()
                && total > 0
                && sorted.get(first).getValue() >= total - sorted.get(first).getValue()) {
            total -= sorted.get(first).getValue();
            first++;
        }
        return new Breadth(total, sorted.subList(first, sorted.size()));
    }

    /**
     * The accounts that made the surge: those of the breadth with at least half an equal share of it (the many
     * accounts that read a few rows in any window are not named), most rows first, at most {@code maxContributors}.
     */
    private List<Share> contributors(Breadth breadth) {
        int n = breadth.accounts().size();
        long total = 0;
        for (Map.Entry<String, Long> e : breadth.accounts()) {
            total = saturatedAdd(total, e.getValue());
        }
        List<Share> named = new ArrayList<>();
        for (Map.Entry<String, Long> e : breadth.accounts()) {
            if (named.size() >= settings.maxContributors()) {
                break;
            }
            if (2.0 * n * e.getValue() >= total) {
                named.add(new Share(e.getKey(), e.getValue(), Math.round(1000.0 * e.getValue() / total) / 1000.0));
            }
        }
        return named;
    }

    private static long saturatedAdd(long a, long b) {
        return org.exfilguard.profile.WindowProfile.saturatedAdd(a, b);
    }
}
