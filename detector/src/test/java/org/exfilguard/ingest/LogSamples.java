package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.exfilguard.schema.DbAccessEvent;

/**
 * Parses log files in place and runs the checks every directory of real-layout logs must pass: the ../shared samples
 * ({@link SampleFilesTest}) and the fixtures written in this repository ({@link RepositoryFixturesTest}).
 */
final class LogSamples {

    private LogSamples() {}

    /** Everything a parse of one file produced. */
    record Parsed(List<ParseResult> results, ParseStats stats) {
        <T> List<T> events(Class<T> type) {
            return results.stream()
                    .filter(r -> r instanceof ParseResult.Event)
                    .map(r -> ((ParseResult.Event) r).record())
                    .filter(type::isInstance)
                    .map(type::cast)
                    .toList();
        }

        List<ParseResult.Reject> rejects() {
            return results.stream()
                    .filter(r -> r instanceof ParseResult.Reject)
                    .map(r -> (ParseResult.Reject) r)
                    .toList();
        }
    }

    static Parsed parse(Path file, Optional<LogFormat> format) {
        List<ParseResult> results = new ArrayList<>();
        try {
            ParseStats stats = new LogFileParser().parse(file, format, results::add);
            return new Parsed(results, stats);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Parsed parse(Path file) {
        return parse(file, Optional.empty());
    }

    /** A reject we expect: file relative to the directory checked, line, and a substring of the reason. */
    record Expected(String file, long line, String reason) {
        boolean matches(String f, ParseResult.Reject r) {
            return f.equals(file) && r.line() == line && r.reason().contains(reason);
        }
    }

    /**
     * Parses every regular file under {@code dir} (but {@code README.md}, {@code SOURCES.md} and dot files) with its detected
     * format and checks: the format is detected, and is {@code formatByFolder}'s for the file's top folder when that
     * names one; every file but those in {@code noEntries} has an entry; no event is {@code canonical}; no fingerprint
     * holds a quote (every literal became '?'); the rejects are exactly {@code expectedRejects}, no more and no fewer.
     *
     * @return each file's parse, by path relative to {@code dir} with '/' separators, in path order
     */
    static Map<String, Parsed> checkDirectory(
            Path dir, Map<String, LogFormat> formatByFolder, List<Expected> expectedRejects, Set<String> noEntries)
            throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> !Set.of("SOURCES.md", "README.md")
                            .contains(p.getFileName().toString()))
                    // Dot files are git's (.gitattributes keeps the fixtures byte-exact), not logs.
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
        List<String> unexpected = new ArrayList<>();
        List<Expected> seen = new ArrayList<>();
        Map<String, Parsed> parsed = new LinkedHashMap<>();
        for (Path file : files) {
            String rel = dir.relativize(file).toString().replace('\\', '/');
            Optional<LogFormat> detected = FormatDetector.detect(file);
            assertThat(detected).as("format of " + rel).isPresent();
            int slash = rel.indexOf('/');
            LogFormat wanted = slash < 0 ? null : formatByFolder.get(rel.substring(0, slash));
            if (wanted != null) {
                assertThat(detected).as("format of " + rel).contains(wanted);
            }
            Parsed p = parse(file);
            parsed.put(rel, p);
            for (ParseResult.Reject r : p.rejects()) {
                Optional<Expected> e =
                        expectedRejects.stream().filter(x -> x.matches(rel, r)).findFirst();
                if (e.isPresent()) {
                    seen.add(e.get());
                } else {
                    unexpected.add(rel + ":" + r.line() + " " + r.reason());
                }
            }
            if (!noEntries.contains(rel)) {
                assertThat(p.stats().events() + p.stats().rejects())
                        .as("entries in " + rel)
                        .isPositive();
            }
            for (SpecificRecord rec : p.events(SpecificRecord.class)) {
                assertThat(rec.toString()).as(rel).doesNotContain("\"source_format\": \"canonical\"");
            }
            for (DbAccessEvent e : p.events(DbAccessEvent.class)) {
                // Every literal of every statement became '?': no quote survives into a fingerprint.
                String fp = e.getStatementFingerprint() == null ? "" : e.getStatementFingerprint();
                assertThat(fp).as(rel + " fingerprint").doesNotContain("'").doesNotContain("\"");
            }
        }
        assertThat(unexpected).as("unexpected rejects").isEmpty();
        assertThat(seen).as("expected rejects").containsExactlyInAnyOrderElementsOf(expectedRejects);
        return parsed;
    }
}
