package org.exfilguard.suppress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.TestAlerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertSuppressorTest {

    private final AtomicInteger counted = new AtomicInteger();

    private AlertSuppressor suppressor(Path dir, String rules) throws Exception {
        Path file = Files.writeString(dir.resolve("allow.yaml"), rules);
        return new AlertSuppressor(AllowListSource.watch(file, Duration.ofMinutes(1)), counted::incrementAndGet);
    }

    @Test
    void marksAndCountsAnAlertARuleCovers(@TempDir Path dir) throws Exception {
        AlertSuppressor suppressor = suppressor(dir, """
                rules:
                  - {id: jdoe-export, account: jdoe, table: coop.members, reason: quarterly export, owner: dba@example.com}
                """);

        ExfiltrationAlert marked = suppressor.apply(TestAlerts.alert().build());

        assertThat(marked.getSuppressed()).isTrue();
        assertThat(marked.getSuppressionReason())
                .isEqualTo("allow-list rule jdoe-export (owner dba@example.com): quarterly export");
        assertThat(counted).hasValue(1);
    }

    @Test
    void leavesAnUncoveredAlertAloneAndUncounted(@TempDir Path dir) throws Exception {
        AlertSuppressor suppressor = suppressor(dir, """
                rules:
                  - {id: other, account: someone-else, reason: r, owner: o}
                """);
        ExfiltrationAlert alert = TestAlerts.alert().build();

        assertThat(suppressor.apply(alert)).isSameAs(alert);
        assertThat(new AlertSuppressor(AllowListSource.none(), counted::incrementAndGet).apply(alert))
                .isSameAs(alert);
        assertThat(counted).hasValue(0);
    }

    @Test
    void judgesAnIncidentAtItsStartSoItsLaterRecordsStaySuppressed(@TempDir Path dir) throws Exception {
        // The default alert began 42 minutes before 02:47, at 02:05: inside the window, though detected after it.
        AlertSuppressor suppressor = suppressor(dir, """
                rules:
                  - id: night
                    account: jdoe
                    window: {days: MON-SUN, from: "01:30", to: "02:30"}
                    reason: nightly job
                    owner: o
                """);

        assertThat(suppressor.apply(TestAlerts.alert().build()).getSuppressed()).isTrue();
        assertThat(suppressor
                        .apply(TestAlerts.alert()
                                .detectedAt(Instant.parse("2026-03-14T05:47:00Z"))
                                .build())
                        .getSuppressed())
                .as("began at 05:05")
                .isFalse();
    }
}
