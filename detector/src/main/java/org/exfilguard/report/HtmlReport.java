package org.exfilguard.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;

/**
 * A self-contained HTML page of a backtest for a detection engineer: the run's figures, a table of incidents, and
 * per incident a chart of the account's reads of the table against its baseline band with the alerts marked.
 * Inline CSS and SVG only: no script, font or image is fetched, so it opens offline and from a ticket attachment.
 */
public final class HtmlReport {

    /** Charts drawn at most; further incidents are listed in the table only. */
    public static final int MAX_CHARTS = 200;

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("MMM d", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final int W = 1100;
    private static final int H = 300;
    private static final int LEFT = 72;
    private static final int RIGHT = 16;
    private static final int TOP = 16;
    private static final int BOTTOM = 36;

    private HtmlReport() {}

    /** The page for {@code alerts}, charts from {@code series}, and {@code figures} (label to value) at the top. */
    public static String render(
            String title, List<ExfiltrationAlert> alerts, VolumeSeries series, Map<String, String> figures) {
        Map<String, List<ExfiltrationAlert>> incidents = new LinkedHashMap<>();
        alerts.stream()
                .sorted(Comparator.comparing(ExfiltrationAlert::getDetectedAt)
                        .thenComparing(ExfiltrationAlert::getAlertId))
                .forEach(a -> incidents
                        .computeIfAbsent(a.getIncidentId(), k -> new ArrayList<>())
                        .add(a));
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(title))
                .append("</title>\n")
                .append("<style>")
                .append(CSS)
                .append("</style></head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n");
        h.append("<section id=\"figures\"><h2>Run</h2><table class=\"figures\">");
        figures.forEach((k, v) -> h.append("<tr><th>")
                .append(esc(k))
                .append("</th><td>")
                .append(esc(v))
                .append("</td></tr>"));
        h.append("</table></section>\n");

        h.append("<section id=\"incidents\"><h2>Incidents (")
                .append(incidents.size())
                .append(")</h2>");
        if (incidents.isEmpty()) {
            h.append("<p>No alerts.</p>");
        } else {
            h.append(
                    "<table class=\"incidents\"><thead><tr><th>incident</th><th>account</th><th>table</th><th>kind</th>"
                            + "<th>severity</th><th>opened</th><th>closed</th><th>records</th><th>max rows</th><th>baseline</th>"
                            + "<th>max score</th><th>window</th><th>reason</th></tr></thead><tbody>");
            incidents.forEach((id, list) -> incidentRow(h, id, list));
            h.append("</tbody></table>");
        }
        h.append("</section>\n");

        h.append("<section id=\"charts\"><h2>Reads against baseline</h2><p class=\"legend\">")
                .append(
                        "<span class=\"key bar\"></span> rows per 15 min &nbsp; <span class=\"key line\"></span> rows in the trailing window that fired "
                                + "&nbsp; <span class=\"key band\"></span> baseline (typical daily peak) to alert threshold &nbsp; "
                                + "<span class=\"key opened\"></span> opened <span class=\"key updated\"></span> updated "
                                + "<span class=\"key closed\"></span> closed. Log scale; times UTC (event time).</p>");
        int drawn = 0;
        for (Map.Entry<String, List<ExfiltrationAlert>> e : incidents.entrySet()) {
            if (drawn++ >= MAX_CHARTS) {
                h.append("<p>")
                        .append(incidents.size() - MAX_CHARTS)
                        .append(" more incidents are in the table only.</p>");
                break;
            }
            VolumeSeries.Series s = series == null ? null : series.of(e.getKey());
            chart(h, e.getKey(), e.getValue(), s, series);
        }
        h.append("</section>\n</body></html>\n");
        return h.toString();
    }

    private static void incidentRow(StringBuilder h, String id, List<ExfiltrationAlert> list) {
        ExfiltrationAlert first = list.get(0);
        ExfiltrationAlert worst = list.stream()
                .max(Comparator.comparing(ExfiltrationAlert::getSeverity))
                .orElse(first);
        ExfiltrationAlert closed = list.stream()
                .filter(a -> a.getStatus() == AlertStatus.CLOSED)
                .findFirst()
                .orElse(null);
        long maxRows = list.stream()
                .mapToLong(ExfiltrationAlert::getObservedRows)
                .max()
                .orElse(0);
        double maxScore =
                list.stream().mapToDouble(ExfiltrationAlert::getScore).max().orElse(0);
        h.append("<tr class=\"sev-")
                .append(worst.getSeverity().name().toLowerCase(Locale.ROOT))
                .append("\"><td><a href=\"#inc-")
                .append(esc(id))
                .append("\">")
                .append(esc(shortId(id)))
                .append("</a></td><td>")
                .append(esc(first.getAccount()))
                .append("</td><td>")
                .append(esc(first.getTable()))
                .append("</td><td>")
                .append(esc(first.getKind().name()))
                .append("</td><td>")
                .append(esc(worst.getSeverity().name()))
                .append("</td><td>")
                .append(MINUTE.format(first.getDetectedAt()))
                .append("</td><td>")
                .append(closed == null ? "open" : MINUTE.format(closed.getDetectedAt()))
                .append("</td><td class=\"n\">")
                .append(list.size())
                .append("</td><td class=\"n\">")
                .append(String.format(Locale.ROOT, "%,d", maxRows))
                .append("</td><td class=\"n\">")
                .append(String.format(Locale.ROOT, "%,.0f", first.getBaselineRows()))
                .append("</td><td class=\"n\">")
                .append(String.format(Locale.ROOT, "%.1f", maxScore))
                .append("</td><td>")
                .append(esc(first.getWindow()))
                .append("</td><td>")
                .append(esc(first.getReason()))
                .append("</td></tr>");
    }

    private static void chart(
            StringBuilder h, String id, List<ExfiltrationAlert> list, VolumeSeries.Series s, VolumeSeries all) {
        ExfiltrationAlert first = list.get(0);
        h.append("<figure id=\"inc-")
                .append(esc(id))
                .append("\"><figcaption><b>")
                .append(esc(first.getAccount()))
                .append("</b> on <b>")
                .append(esc(first.getTable()))
                .append("</b>: ")
                .append(esc(first.getKind().name()))
                .append(", ")
                .append(esc(first.getSeverity().name()))
                .append(", window ")
                .append(esc(first.getWindow()))
                .append(", baseline ")
                .append(esc(first.getBaselineMethod()))
                .append(" (")
                .append(first.getBaselineHistoryDays())
                .append(" days)")
                .append(" &middot; incident ")
                .append(esc(shortId(id)))
                .append("</figcaption>");
        if (s == null) {
            h.append("<p>No event series for this incident.</p></figure>");
            return;
        }
        long[] rows = s.rows();
        int lead = s.lead();
        int start = lead;
        int end = rows.length;
        // Clip the view to the data: no empty days drawn before the first event or after the last.
        if (all.dataFrom() != null) {
            start = Math.max(start, index(s.from(), all.dataFrom()));
            end = Math.min(end, index(s.from(), all.dataTo()) + 1);
        }
        if (end <= start) {
            start = lead;
            end = rows.length;
        }
        Duration window = Duration.between(first.getWindowStart(), first.getWindowEnd());
        int w = (int) Math.max(1, Math.min(rows.length, window.dividedBy(VolumeSeries.BIN)));
        long[] trailing = new long[rows.length];
        long sum = 0;
        for (int i = 0; i < rows.length; i++) {
            sum += rows[i] - (i >= w ? rows[i - w] : 0);
            trailing[i] = sum;
        }
        double threshold = first.getThresholdRows() > 0 ? first.getThresholdRows() : first.getBaselineRows();
        double max = Math.max(threshold, first.getBaselineRows());
        for (int i = start; i < end; i++) {
            max = Math.max(max, Math.max(rows[i], trailing[i]));
        }
        for (ExfiltrationAlert a : list) {
            max = Math.max(max, a.getObservedRows());
        }
        double top = Math.log10(1 + max * 1.5);
        int n = end - start;
        double plotW = W - LEFT - RIGHT;
        double plotH = H - TOP - BOTTOM;
        double bw = plotW / n;
        Instant viewFrom = s.from().plus(VolumeSeries.BIN.multipliedBy(start));
        Instant viewTo = s.from().plus(VolumeSeries.BIN.multipliedBy(end));

        h.append("<svg class=\"chart\" viewBox=\"0 0 ")
                .append(W)
                .append(' ')
                .append(H)
                .append("\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append("\" role=\"img\" aria-label=\"rows read by ")
                .append(esc(first.getAccount()))
                .append(" on ")
                .append(esc(first.getTable()))
                .append("\">");
        h.append("<rect class=\"plot\" x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(TOP)
                .append("\" width=\"")
                .append(fmt(plotW))
                .append("\" height=\"")
                .append(fmt(plotH))
                .append("\"/>");
        // y axis: powers of ten
        for (int k = 0; Math.pow(10, k) <= max * 1.5; k++) {
            double y = y(Math.pow(10, k), top, plotH);
            h.append("<line class=\"grid\" ");
            across(h, y)
                    .append("/><text class=\"ytick\" x=\"")
                    .append(LEFT - 6)
                    .append("\" y=\"")
                    .append(fmt(y + 4))
                    .append("\">")
                    .append(compact(Math.pow(10, k)))
                    .append("</text>");
        }
        // x axis: midnights
        Instant day = viewFrom.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        for (; day.isBefore(viewTo); day = day.plus(Duration.ofDays(1))) {
            if (day.isBefore(viewFrom)) {
                continue;
            }
            double x = x(viewFrom, day, plotW, n);
            h.append("<line class=\"grid\" ");
            upright(h, x, plotH)
                    .append("/><text class=\"xtick\" x=\"")
                    .append(fmt(x))
                    .append("\" y=\"")
                    .append(H - BOTTOM + 16)
                    .append("\">")
                    .append(DAY.format(day))
                    .append("</text>");
        }
        // baseline band
        double yb = y(first.getBaselineRows(), top, plotH);
        double yt = y(threshold, top, plotH);
        h.append("<rect class=\"band\" x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(fmt(yt))
                .append("\" width=\"")
                .append(fmt(plotW))
                .append("\" height=\"")
                .append(fmt(Math.max(1, yb - yt)))
                .append("\"><title>baseline ")
                .append(String.format(Locale.ROOT, "%,.0f", first.getBaselineRows()))
                .append(" to threshold ")
                .append(String.format(Locale.ROOT, "%,.0f", threshold))
                .append(" rows per ")
                .append(esc(first.getWindow()))
                .append("</title></rect>");
        h.append("<line class=\"threshold\" ");
        across(h, yt).append("/>");
        // bars, then the trailing-window line
        for (int i = start; i < end; i++) {
            if (rows[i] > 0) {
                double y = y(rows[i], top, plotH);
                h.append("<rect class=\"bar\" x=\"")
                        .append(fmt(LEFT + (i - start) * bw))
                        .append("\" y=\"")
                        .append(fmt(y))
                        .append("\" width=\"")
                        .append(fmt(Math.max(bw - 0.3, 0.6)))
                        .append("\" height=\"")
                        .append(fmt(TOP + plotH - y))
                        .append("\"/>");
            }
        }
        h.append("<polyline class=\"line\" points=\"");
        for (int i = start; i < end; i++) {
            h.append(fmt(LEFT + (i - start + 1) * bw))
                    .append(',')
                    .append(fmt(y(trailing[i], top, plotH)))
                    .append(' ');
        }
        h.append("\"/>");
        // alert markers
        for (ExfiltrationAlert a : list) {
            double x = x(viewFrom, a.getDetectedAt(), plotW, n);
            if (x < LEFT || x > W - RIGHT) {
                continue;
            }
            String cls = a.getStatus().name().toLowerCase(Locale.ROOT);
            double y = y(a.getObservedRows(), top, plotH);
            h.append("<g class=\"alert ").append(cls).append("\"><line ");
            upright(h, x, plotH)
                    .append("/><circle cx=\"")
                    .append(fmt(x))
                    .append("\" cy=\"")
                    .append(fmt(y))
                    .append("\" r=\"5\"/><title>")
                    .append(esc(a.getStatus().name()))
                    .append(' ')
                    .append(MINUTE.format(a.getDetectedAt()))
                    .append(": ")
                    .append(String.format(Locale.ROOT, "%,d", a.getObservedRows()))
                    .append(" rows in ")
                    .append(esc(a.getWindow()))
                    .append(", score ")
                    .append(String.format(Locale.ROOT, "%.1f", a.getScore()))
                    .append("</title></g>");
        }
        h.append("</svg><ul class=\"alerts\">");
        for (ExfiltrationAlert a : list) {
            h.append("<li><span class=\"key ")
                    .append(a.getStatus().name().toLowerCase(Locale.ROOT))
                    .append("\"></span>")
                    .append(esc(a.getStatus().name()))
                    .append(' ')
                    .append(MINUTE.format(a.getDetectedAt()))
                    .append(" &middot; ")
                    .append(String.format(Locale.ROOT, "%,d", a.getObservedRows()))
                    .append(" rows in ")
                    .append(esc(a.getWindow()))
                    .append(" against ")
                    .append(String.format(Locale.ROOT, "%,.0f", a.getBaselineRows()))
                    .append(" &middot; score ")
                    .append(String.format(Locale.ROOT, "%.1f", a.getScore()))
                    .append(" &middot; ")
                    .append(esc(a.getReason()))
                    .append("</li>");
        }
        h.append("</ul></figure>\n");
    }

    private static int index(Instant from, Instant t) {
        return (int) Math.max(0, Duration.between(from, t).dividedBy(VolumeSeries.BIN));
    }

    private static double x(Instant viewFrom, Instant t, double plotW, int n) {
        double bins = Duration.between(viewFrom, t).toMillis() / (double) VolumeSeries.BIN.toMillis();
        return LEFT + bins * plotW / n;
    }

    private static double y(double v, double top, double plotH) {
        return TOP + plotH - Math.log10(1 + Math.max(0, v)) / top * plotH;
    }

    /** The ends of a line across the plot at height {@code y}. */
    private static StringBuilder across(StringBuilder h, double y) {
        return h.append("x1=\"")
                .append(LEFT)
                .append("\" x2=\"")
                .append(W - RIGHT)
                .append("\" y1=\"")
                .append(fmt(y))
                .append("\" y2=\"")
                .append(fmt(y))
                .append('"');
    }

    /** The ends of a line from the top to the bottom of the plot at {@code x}. */
    private static StringBuilder upright(StringBuilder h, double x, double plotH) {
        return h.append("x1=\"")
                .append(fmt(x))
                .append("\" x2=\"")
                .append(fmt(x))
                .append("\" y1=\"")
                .append(TOP)
                .append("\" y2=\"")
                .append(fmt(TOP + plotH))
                .append('"');
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String compact(double v) {
        if (v >= 1e9) {
            return String.format(Locale.ROOT, "%.0fG", v / 1e9);
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.0fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String shortId(String id) {
        return id.length() <= 12 ? id : id.substring(0, 12);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1d2733;background:#fff}
            h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #d0d7de}
            table{border-collapse:collapse}th,td{padding:3px 8px;border-bottom:1px solid #e5e9ee;text-align:left;vertical-align:top}
            table.figures th{font-weight:600;color:#57606a}td.n{text-align:right;font-variant-numeric:tabular-nums}
            table.incidents{width:100%;font-size:13px}table.incidents td:last-child{min-width:420px}
            table.incidents td:nth-child(6),table.incidents td:nth-child(7){white-space:nowrap}tr.sev-critical td:nth-child(5){color:#b00020;font-weight:700}
            tr.sev-high td:nth-child(5){color:#d1242f;font-weight:600}tr.sev-medium td:nth-child(5){color:#bc4c00}
            figure{margin:18px 0 28px}figcaption{margin-bottom:4px}
            svg.chart{display:block;max-width:100%;height:auto}
            .plot{fill:#fbfcfd;stroke:#d0d7de}.grid{stroke:#e5e9ee}.ytick{font-size:11px;fill:#57606a;text-anchor:end}
            .xtick{font-size:11px;fill:#57606a;text-anchor:middle}
            .band{fill:#2da44e;fill-opacity:.16}.threshold{stroke:#2da44e;stroke-dasharray:5 3}
            .bar{fill:#8c959f}.line{fill:none;stroke:#0969da;stroke-width:1.6}
            .alert line{stroke-width:2}.alert circle{stroke:#fff;stroke-width:1.5}
            .alert.opened line,.alert.opened circle{stroke:#cf222e;fill:#cf222e}
            .alert.updated line,.alert.updated circle{stroke:#e16f24;fill:#e16f24}
            .alert.closed line,.alert.closed circle{stroke:#1a7f37;fill:#1a7f37}
            .alert circle{stroke:#fff}
            ul.alerts{margin:4px 0 0;padding-left:18px;font-size:13px;color:#3d4752}
            .legend{font-size:13px;color:#3d4752}
            .key{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle}
            .key.bar{background:#8c959f}.key.line{height:2px;background:#0969da}.key.band{background:rgba(45,164,78,.3)}
            .key.opened{background:#cf222e}.key.updated{background:#e16f24}.key.closed{background:#1a7f37}
            """;
}
