package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergedLogsTest {

    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    Path dir;

    private Path file(String name, int... seconds) throws IOException {
        Path p = dir.resolve(name);
        try (Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
            for (int s : seconds) {
                w.write(JsonRecords.toJson(TestEvents.dbRead()
                                .account(name)
                                .at(T0.plusSeconds(s))
                                .build()) + "\n");
            }
        }
        return p;
    }

    private static List<MergedLogs.Timed> drain(MergedLogs logs) throws IOException {
        List<MergedLogs.Timed> all = new ArrayList<>();
        MergedLogs.Timed t;
        while ((t = logs.next()) != null) {
            all.add(t);
        }
        return all;
    }

    private static List<MergedLogs.Input> inputs(Path... files) {
        return java.util.Arrays.stream(files)
                .map(f -> new MergedLogs.Input(f, Optional.empty()))
                .toList();
    }

    @Test
    void mergesFilesInEventTimeOrderAndReordersLocalDisorder() throws IOException {
        Path a = file("a", 0, 10, 5, 30, 20, 50);
        Path b = file("b", 1, 2, 40, 35, 60);
        try (MergedLogs logs = new MergedLogs(inputs(a, b), ParserOptions.defaults(), 4, r -> {})) {
            assertThat(logs.peekTime()).isEqualTo(T0);
            List<MergedLogs.Timed> all = drain(logs);
            assertThat(all)
                    .extracting(t -> t.time().getEpochSecond() - T0.getEpochSecond())
                    .containsExactly(0L, 1L, 2L, 5L, 10L, 20L, 30L, 35L, 40L, 50L, 60L);
            assertThat(logs.late()).isZero();
            assertThat(logs.counts()).extracting(MergedLogs.InputCounts::events).containsExactly(6L, 5L);
            assertThat(logs.bytesRead()).isEqualTo(logs.totalBytes());
        }
    }

    @Test
    void disorderBeyondTheWindowIsEmittedLateAndCounted() throws IOException {
        Path a = file("a", 10, 20, 30, 0);
        try (MergedLogs logs = new MergedLogs(inputs(a), ParserOptions.defaults(), 1, r -> {})) {
            assertThat(drain(logs)).hasSize(4);
            assertThat(logs.late()).isEqualTo(1);
        }
    }

    @Test
    void equalTimesComeOutInFileOrderThenLineOrder() throws IOException {
        Path a = file("a", 5, 5);
        Path b = file("b", 5);
        try (MergedLogs logs = new MergedLogs(inputs(b, a), ParserOptions.defaults(), 8, r -> {})) {
            assertThat(drain(logs))
                    .extracting(t -> ((DbAccessEvent) t.event()).getAccount() + t.sequence())
                    .containsExactly("b0", "a0", "a1");
        }
    }

    @Test
    void rejectsAndUndetectableFilesAreCountedAndReported() throws IOException {
        Path bad = dir.resolve("bad.log");
        Files.writeString(bad, "nothing here looks like a log\n");
        Path a = dir.resolve("a.jsonl");
        Files.writeString(
                a,
                JsonRecords.toJson(TestEvents.dbRead().at(T0).build())
                        + "\n{\"event_time\":\"x\",\"account\":\"u\"}\n");
        List<ParseResult.Reject> rejects = new ArrayList<>();
        try (MergedLogs logs = new MergedLogs(inputs(bad, a), ParserOptions.defaults(), 8, rejects::add)) {
            assertThat(drain(logs)).hasSize(1);
            assertThat(logs.counts())
                    .extracting(MergedLogs.InputCounts::format)
                    .containsExactly("unknown", "canonical");
            assertThat(logs.counts())
                    .extracting(MergedLogs.InputCounts::rejects)
                    .containsExactly(1L, 1L);
        }
        assertThat(rejects).extracting(ParseResult.Reject::reason).first().isEqualTo("unknown log format");
        assertThat(rejects).hasSize(2);
    }
}
