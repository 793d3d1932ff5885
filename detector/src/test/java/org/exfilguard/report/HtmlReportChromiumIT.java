package org.exfilguard.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.exfilguard.schema.ExfiltrationAlert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders a report in headless Chromium (Debian's {@code chromium}) and checks the screenshot shows the charts. */
class HtmlReportChromiumIT {

    static final Path CHROMIUM = Path.of(System.getProperty("exfilguard.chromium", "/usr/bin/chromium"));

    @Test
    void reportRendersInHeadlessChromiumWithChartsAndAlertMarkers(@TempDir Path dir) throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM),
                "chromium not installed at " + CHROMIUM
                        + " (apt-get install -y chromium): skipping the browser rendering check");
        List<ExfiltrationAlert> alerts = ReportFixtures.alerts();
        Path html = dir.resolve("report.html");
        Files.writeString(
                html,
                HtmlReport.render("backtest", alerts, ReportFixtures.series(alerts), Map.of("events fed", "1,234")),
                StandardCharsets.UTF_8);
        Path png = dir.resolve("report.png");
        Process p = new ProcessBuilder(
                        CHROMIUM.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--user-data-dir=" + dir.resolve("profile"),
                        "--screenshot=" + png,
                        "--window-size=1400,2000",
                        html.toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromium.log").toFile())
                .start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(png).exists();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1400);

        int opened = 0;
        int line = 0;
        int band = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                opened += near(rgb, 0xcf222e) ? 1 : 0;
                line += near(rgb, 0x0969da) ? 1 : 0;
                band += near(rgb, 0xdbeee0) ? 1 : 0;
            }
        }
        // Marker lines are ~2 px by 250 px each; the trailing-window line spans the plot; the band is a wide strip.
        assertThat(opened).as("red OPENED markers drawn").isGreaterThan(300);
        assertThat(line).as("blue trailing-window line drawn").isGreaterThan(500);
        assertThat(band).as("baseline band drawn").isGreaterThan(5_000);
    }

    private static boolean near(int rgb, int target) {
        int dr = Math.abs(((rgb >> 16) & 0xff) - ((target >> 16) & 0xff));
        int dg = Math.abs(((rgb >> 8) & 0xff) - ((target >> 8) & 0xff));
        int db = Math.abs((rgb & 0xff) - (target & 0xff));
        return dr + dg + db < 40;
    }
}
