package org.exfilguard.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.exfilguard.detect.Threshold;
import org.exfilguard.detect.WindowVerdict;
import org.exfilguard.profile.ScopeProfile;

/** The one sentence a SOC analyst reads first: what happened, against what normal. */
final class Reasons {

    private Reasons() {}

    static String opened(String account, String scope, WindowVerdict v, Instant at, List<String> ips) {
        Threshold t = v.threshold();
        // Concatenation rather than String.format: an alert-heavy replay spent a measurable share of its time here.
        String what = account + " read " + count(v.observedRows()) + " rows of " + tableName(scope) + " in "
                + duration(Duration.between(v.window().activeSince(), at)) + " ("
                + v.window().spec().name() + " window)";
        String from = ips.isEmpty() ? "" : " from " + String.join(", ", ips.subList(0, Math.min(3, ips.size())));
        String normal = switch (t.method()) {
            case Threshold.PERSONAL ->
                "; normal for this account is " + count(t.typical()) + " rows per "
                        + v.window().spec().name() + " at its daily peak, at most " + count(t.highest()) + " ("
                        + t.historyDays() + " days of history); alert threshold " + count(t.value());
            case Threshold.NIGHT ->
                "; at night it is judged against its nights: normal for this account is " + count(t.typical())
                        + " rows per " + v.window().spec().name() + " at its nightly peak, at most "
                        + count(t.highest()) + " (" + t.historyDays() + " nights of history); night threshold "
                        + count(t.value());
            case Threshold.PEER ->
                "; with " + t.historyDays() + " days of its own history it is compared with its peers: "
                        + "that is above the " + percentile(v.peerRank()) + " percentile of " + count(t.peerCount())
                        + " peer account-days (the typical peer reads " + count(t.typical())
                        + " rows); alert threshold "
                        + count(t.value());
            case Threshold.OFF_HOURS ->
                " at an hour it has not read at (nor the hour either side) in " + t.historyDays()
                        + " days of history, where its norm is zero; off-hours threshold for the table's tier "
                        + count(t.value());
            default ->
                "; with " + t.historyDays() + " days of its own history and too few peers to compare with, "
                        + "it is above the cold-start floor of " + count(t.value()) + " rows";
        };
        return what + from + normal + ".";
    }

    /**
     * A weak read that the egress then made an incident: "u read 6,754 rows of coop.members in 45 min (1h window)
     * from 10.0.0.5; its norm at this hour is 50 rows per 1h at its daily peak, at most 82 (28 days of history): 135x
     * that, below the alert threshold of 10,000 but above the weak-read level of 1,000."
     */
    static String weak(
            String account, String scope, org.exfilguard.detect.WeakRead weak, Instant at, List<String> ips) {
        WindowVerdict v = weak.verdict();
        Threshold t = v.threshold();
        String what = account + " read " + count(v.observedRows()) + " rows of " + tableName(scope) + " in "
                + duration(Duration.between(v.window().activeSince(), at)) + " ("
                + v.window().spec().name() + " window)";
        String from = ips.isEmpty() ? "" : " from " + String.join(", ", ips.subList(0, Math.min(3, ips.size())));
        String norm = weak.habitual()
                ? "; its norm at this hour is " + count(t.typical()) + " rows per "
                        + v.window().spec().name()
                        + " at its daily peak, at most " + count(t.highest()) + " (" + t.historyDays()
                        + " days of history)"
                        + (t.typical() > 0 ? ": " + count(v.observedRows() / t.typical()) + "x that" : "")
                : "; it has not read at this hour (nor the hour either side) in " + t.historyDays()
                        + " days of history, where its norm is zero";
        return what + from + norm + ", below the alert threshold of " + count(weak.bulkLimit())
                + " but above the weak-read level of " + count(t.value()) + ".";
    }

    static String updated(String previous, WindowVerdict v, Instant at) {
        return String.format(
                Locale.ROOT,
                "Still reading: now %s rows in the %s window (%.1fx the threshold). %s",
                count(v.observedRows()),
                v.window().spec().name(),
                v.score(),
                previous);
    }

    static String closed(String account, String scope, Instant lastActivity, Duration quiet, String last) {
        int then = last.indexOf(" Then ");
        String egress = then >= 0 ? " Egress:" + last.substring(then + 5) : "";
        return String.format(
                Locale.ROOT,
                "Closed: no reads above threshold by %s on %s since %s (quiet for %s).%s",
                account,
                tableName(scope),
                lastActivity,
                duration(quiet),
                egress);
    }

    /** "Then 388 MB left 10.8.4.21 for 198.51.100.240 (never seen before from this host), 10:45-11:02." */
    static String egress(org.exfilguard.schema.EgressEvidence evidence) {
        StringBuilder to = new StringBuilder();
        for (var d : evidence.getDestinations()) {
            if (to.length() > 0) {
                to.append(", ");
            }
            to.append(d.getDstIp());
            if (d.getDstHost() != null) {
                to.append(" (").append(d.getDstHost()).append(')');
            }
            to.append(' ').append(megabytes(d.getBytesOut()));
            to.append(
                    d.getFirstSeenInOrg()
                            ? ", never seen before in the organisation"
                            : ", never seen before from this host");
        }
        return String.format(
                Locale.ROOT,
                "Then %s left %s for %s, between %s and %s.",
                megabytes(evidence.getBytesOut()),
                evidence.getSrcIp(),
                to,
                evidence.getFirstTime(),
                evidence.getLastTime());
    }

    static String megabytes(long bytes) {
        return bytes >= 10_000_000
                ? String.format(Locale.ROOT, "%,d MB", bytes / 1_000_000)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }

    static String tableName(String scope) {
        if (ScopeProfile.UNDETERMINED.equals(scope)) {
            return "a sensitive database through statements whose tables could not be determined";
        }
        return ScopeProfile.ALL_SENSITIVE.equals(scope) ? "all sensitive tables together" : scope;
    }

    /** A whole number with comma groups, as {@code String.format(Locale.ROOT, "%,d", ...)} writes it, without its cost. */
    static String count(double value) {
        String digits = Long.toString(Math.round(value));
        int start = digits.startsWith("-") ? 1 : 0;
        int length = digits.length() - start;
        if (length <= 3) {
            return digits;
        }
        StringBuilder out = new StringBuilder(digits.length() + length / 3);
        out.append(digits, 0, start);
        int head = length % 3 == 0 ? 3 : length % 3;
        out.append(digits, start, start + head);
        for (int i = start + head; i < digits.length(); i += 3) {
            out.append(',').append(digits, i, i + 3);
        }
        return out.toString();
    }

    static String percentile(double rank) {
        if (Double.isNaN(rank)) {
            return "configured";
        }
        return String.format(Locale.ROOT, "%.1fth", Math.min(99.9, rank * 100));
    }

    static String duration(Duration d) {
        long minutes = Math.max(1, d.toMinutes());
        if (minutes < 120) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        return hours < 48 ? hours + " h " + (minutes % 60) + " min" : (hours / 24) + " days " + (hours % 24) + " h";
    }
}
