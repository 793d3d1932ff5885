package org.exfilguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exfilguard.schema.ExfiltrationAlert;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static String render() {
        List<ExfiltrationAlert> alerts = ReportFixtures.alerts();
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("events fed", "1,234");
        figures.put("throughput", "123,456 events/s");
        return HtmlReport.render("backtest <test>", alerts, ReportFixtures.series(alerts), figures);
    }

    private static int count(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void oneChartPerIncidentWithEveryAlertMarked() {
        String html = render();
        assertThat(count(html, "<figure id=\"inc-")).isEqualTo(2);
        assertThat(count(html, "<svg class=\"chart\"")).isEqualTo(2);
        assertThat(count(html, "<g class=\"alert opened\"")).isEqualTo(2);
        assertThat(count(html, "<g class=\"alert updated\"")).isEqualTo(1);
        assertThat(count(html, "<g class=\"alert closed\"")).isEqualTo(1);
        assertThat(count(html, "<rect class=\"band\"")).isEqualTo(2);
        assertThat(count(html, "<polyline class=\"line\"")).isEqualTo(2);
        assertThat(html).contains("<table class=\"incidents\"").contains("<a href=\"#inc-inc-1\">");
        assertThat(html).contains("<th>throughput</th><td>123,456 events/s</td>");
    }

    @Test
    void isSelfContainedAndEscapesWhatItQuotes() {
        String html = render();
        assertThat(html)
                .doesNotContain("<script")
                .doesNotContain("src=")
                .doesNotContain("http://")
                .doesNotContain("https://")
                .doesNotContain("@import")
                .doesNotContain("url(");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").contains("backtest &lt;test&gt;");
    }

    @Test
    void seriesCountsOnlyTheIncidentsTableAndBinsRowsBy15Minutes() {
        List<ExfiltrationAlert> alerts = ReportFixtures.alerts();
        VolumeSeries series = ReportFixtures.series(alerts);
        VolumeSeries.Series s = series.of("inc-1");
        long[] rows = s.rows();
        // 12 chunks of 100k at 2-minute steps from 10:30: 8 in the 10:30 bin, 4 in the 10:45 bin; coop.orders not
        // counted.
        int dumpBin = (int) Duration.between(s.from(), ReportFixtures.DUMP).dividedBy(VolumeSeries.BIN);
        assertThat(rows[dumpBin]).isEqualTo(800_000 + 20);
        assertThat(rows[dumpBin + 1]).isEqualTo(400_000);
        assertThat(Arrays.stream(rows).sum()).isLessThan(1_300_000);
        assertThat(series.of("inc-2").rows()).containsOnly(0L);
    }

    @Test
    void reportWithoutAlertsSaysSo() {
        String html = HtmlReport.render("empty", List.of(), null, Map.of("events fed", "0"));
        assertThat(html).contains("Incidents (0)").contains("No alerts.").doesNotContain("<svg");
    }
}
