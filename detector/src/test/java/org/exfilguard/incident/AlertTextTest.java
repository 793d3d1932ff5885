package org.exfilguard.incident;

import static org.assertj.core.api.Assertions.assertThat;

import org.exfilguard.schema.AlertStatus;
import org.exfilguard.testkit.TestAlerts;
import org.junit.jupiter.api.Test;

class AlertTextTest {

    @Test
    void anAccountNameCannotEraseTheLineAndShowAnotherAccount() {
        String text = AlertText.format(
                TestAlerts.alert().account("bob\u001b[2K\rroot").build());
        assertThat(text).doesNotContain("\u001b").doesNotContain("\r").contains("bob\\x1b[2K\\rroot on ");
    }

    @Test
    void anAccountNameCannotForgeALine() {
        String text = AlertText.format(TestAlerts.alert()
                .status(AlertStatus.OPENED)
                .account("eve\n[2026-01-01 00:00:00Z] CLOSED  LOW      eve")
                .clientIps("10.0.0.1\n    why: routine")
                .build());
        assertThat(text.lines()).noneMatch(line -> line.startsWith("[2026-01-01"));
        assertThat(text.lines()).noneMatch(line -> line.equals("    why: routine"));
        assertThat(text).contains("eve\\n[2026-01-01 00:00:00Z] CLOSED");
        assertThat(text.lines().count())
                .isEqualTo(AlertText.format(
                                TestAlerts.alert().clientIps("10.0.0.1").build())
                        .lines()
                        .count());
    }

    @Test
    void bidiOverridesC1AndDelAreShownAsEscapes() {
        String text = AlertText.format(TestAlerts.alert()
                .account("adm\u202Enimda\u2066x\u007f\u009b31m")
                .table("coop.members\u0007")
                .suppressed("ok\u001b]0;pwned\u0007")
                .build());
        assertThat(text).contains("adm\\u202enimda\\u2066x\\x7f\\x9b31m", "coop.members\\x07", "ok\\x1b]0;pwned\\x07");
        assertThat(text.codePoints()).noneMatch(cp -> cp != '\n' && ConsoleEscapes.unsafe(cp));
    }

    @Test
    void jsonKeepsItsValueAndLosesTheRawControls() {
        assertThat(ConsoleEscapes.json("{\"account\":\"a\u202Eb\u009bc\u007f\"}"))
                .isEqualTo("{\"account\":\"a\\u202eb\\u009bc\\u007f\"}");
        assertThat(ConsoleEscapes.text("Łukasz_Ünal")).isEqualTo("Łukasz_Ünal");
    }

    @Test
    void updatedAndClosedRecordsSayWhatTheIncidentTookSoFar() {
        String closed = AlertText.format(TestAlerts.alert()
                .status(AlertStatus.CLOSED)
                .withEgress()
                .withTotals()
                .build());
        assertThat(closed)
                .contains(
                        "incident so far: 1,200,000 rows (216,000,000 bytes) in 2026-03-13 23:47:00Z..2026-03-14 02:45:00Z"
                                + " from 2 client ip(s); 431,000,000 bytes out to 1 new destination(s)");
        assertThat(AlertText.format(TestAlerts.alert().withTotals().build())).doesNotContain("incident so far");
    }
}
