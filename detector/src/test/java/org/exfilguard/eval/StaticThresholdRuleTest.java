package org.exfilguard.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Operation;
import org.exfilguard.schema.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticThresholdRuleTest {
    private static final Instant HOUR = Instant.parse("2026-03-10T10:00:00Z");

    private static DbAccessEvent read(String account, Instant at, long rows, String... tables) {
        return DbAccessEvent.newBuilder()
                .setEventTime(at)
                .setAccount(account)
                .setTables(List.of(tables))
                .setOperation(Operation.SELECT)
                .setRowsReturned(rows)
                .setSourceFormat("test")
                .build();
    }

    private final StaticThresholdRule rule =
            new StaticThresholdRule(100_000, Set.of("coop.members", "coop.member_cards"));

    @Test
    void firesOnceWhenAnAccountsHourCrossesTheThreshold() {
        List<ExfiltrationAlert> alerts = rule.run(List.of(
                        read("jdoe", HOUR.plusSeconds(60), 60_000, "coop.members"),
                        read("jdoe", HOUR.plusSeconds(120), 30_000, "coop.member_cards"),
                        read("jdoe", HOUR.plusSeconds(180), 5_000, "coop.orders"),
                        read("jdoe", HOUR.plusSeconds(240), 20_000, "coop.members", "coop.member_cards"),
                        read("jdoe", HOUR.plusSeconds(300), 90_000, "coop.members"))
                .iterator());
        assertThat(alerts).hasSize(1);
        ExfiltrationAlert a = alerts.get(0);
        assertThat(a.getAccount()).isEqualTo("jdoe");
        assertThat(a.getTable()).isEqualTo("*");
        assertThat(a.getDetectedAt()).isEqualTo(HOUR.plusSeconds(240));
        assertThat(a.getObservedRows()).isEqualTo(110_000);
        assertThat(a.getWindowStart()).isEqualTo(HOUR);
        assertThat(a.getWindowEnd()).isEqualTo(HOUR.plus(Duration.ofHours(1)));
        assertThat(a.getScore()).isEqualTo(1.1);
        assertThat(a.getSuppressed()).isFalse();
    }

    @Test
    void bucketsAreTumblingHoursPerAccount() {
        List<ExfiltrationAlert> alerts = rule.run(List.of(
                        read("jdoe", HOUR.plus(Duration.ofMinutes(50)), 80_000, "coop.members"),
                        read("asmith", HOUR.plus(Duration.ofMinutes(55)), 80_000, "coop.members"),
                        read("jdoe", HOUR.plus(Duration.ofMinutes(70)), 80_000, "coop.members"),
                        read("jdoe", HOUR.plus(Duration.ofMinutes(80)), 30_000, "coop.members"))
                .iterator());
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.getDetectedAt()).isEqualTo(HOUR.plus(Duration.ofMinutes(80)));
            assertThat(a.getWindowStart()).isEqualTo(HOUR.plus(Duration.ofHours(1)));
        });
    }

    @Test
    void runsOverCanonicalJsonAndSkipsOtherLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("events.jsonl");
        Files.writeString(
                f,
                JsonRecords.toJson(read("jdoe", HOUR, 150_000, "coop.members")) + "\n"
                        + "{\"event_time\":\"2026-03-10T10:00:00Z\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"203.0.113.5\"}\n"
                        + "garbage\n");
        StaticThresholdRule.RunResult r = rule.runOnCanonicalJson(f);
        assertThat(r.events()).isEqualTo(1);
        assertThat(r.skippedLines()).isEqualTo(2);
        assertThat(r.alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.getSeverity()).isEqualTo(Severity.HIGH));
    }
}
