package org.exfilguard.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Guesses a file's format from its first lines (gzip read transparently). */
public final class FormatDetector {

    /** Lines looked at: enough to get past slow-log banners and pretty-printed JSON openings. */
    public static final int HEAD_LINES = 64;

    private FormatDetector() {}

    /** The format of {@code file}, read from its head as {@link LogFiles#open(java.io.InputStream, Optional)} does. */
    public static Optional<LogFormat> detect(Path file) throws IOException {
        LogFiles.Opened opened = LogFiles.open(Files.newInputStream(file), Optional.empty());
        // Only the head was read to detect the format: close the file behind it.
        opened.reader().close();
        return opened.format();
    }

    public static Optional<LogFormat> detect(List<String> head) {
        for (String l : head) {
            if (l.startsWith("#separator") || l.startsWith("#fields") || l.startsWith("#path")) {
                return Optional.of(LogFormat.ZEEK_CONN);
            }
        }
        for (String l : head) {
            if (l.contains("databaseActivityEventList") || l.contains("DatabaseActivityMonitoringRecord")) {
                return Optional.of(LogFormat.AURORA_DAS);
            }
            if (l.contains("AUDIT: ")) {
                return Optional.of(LogFormat.PGAUDIT);
            }
            if (l.startsWith("# Time:")
                    || l.startsWith("# User@Host:")
                    || l.startsWith("# Query_time:")
                    || l.startsWith("# User:")
                    || (l.contains(", Version: ") && l.contains("started with"))) {
                return Optional.of(LogFormat.MYSQL_SLOW);
            }
        }
        for (String l : head) {
            String t = l.strip();
            if (t.startsWith("{")) {
                if (t.contains("\"class\"")
                        && (t.contains("\"connection_id\"") || t.contains("\"table_access_data\""))) {
                    return Optional.of(LogFormat.MYSQL_AUDIT);
                }
                if (t.contains("\"id.orig_h\"") || t.contains("\"id_orig_h\"")) {
                    return Optional.of(LogFormat.ZEEK_CONN);
                }
                if (t.contains("\"event_time\"") && (t.contains("\"account\"") || t.contains("\"src_ip\""))) {
                    return Optional.of(LogFormat.CANONICAL);
                }
            }
            if (!t.isEmpty() && !t.startsWith("{")) {
                String[] f = t.split("\\s+");
                boolean header = List.of(f).contains("srcaddr") || List.of(f).contains("pkt-srcaddr");
                boolean v2Record = f.length == 14 && f[0].matches("\\d+") && InternalNetworks.parse(f[3]) != null;
                if (header || v2Record) {
                    return Optional.of(LogFormat.VPC_FLOW);
                }
            }
        }
        if (prettyPrintedAuditJson(head)) {
            return Optional.of(LogFormat.MYSQL_AUDIT);
        }
        for (String l : head) {
            // A postgres log (plain, or shipped by Cloud Logging / syslog) without audit lines in its head.
            if (l.contains("cloudsql.googleapis.com%2Fpostgres")
                    || l.contains("databases-for-postgresql")
                    || l.matches(".*\\b(?:LOG|ERROR|WARNING|NOTICE|FATAL):  .*")) {
                return Optional.of(LogFormat.PGAUDIT);
            }
        }
        return Optional.empty();
    }

    /**
     * MySQL Enterprise Audit's own JSON layout: an array of records pretty-printed one key per line, so no single
     * line holds both {@code "class"} and {@code "connection_id"}.
     */
    private static boolean prettyPrintedAuditJson(List<String> head) {
        String first = head.stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .findFirst()
                .orElse("");
        if (!first.startsWith("[") && !first.startsWith("{")) {
            return false;
        }
        boolean cls = false;
        boolean audit = false;
        for (String l : head) {
            String t = l.strip();
            cls |= t.startsWith("\"class\"");
            audit |= t.startsWith("\"connection_id\"") || t.startsWith("\"table_access_data\"");
        }
        return cls && audit;
    }
}
