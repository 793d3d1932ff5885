package org.exfilguard.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Consumer;

/**
 * Amazon Aurora / RDS Database Activity Streams, decrypted: a {@code DatabaseActivityMonitoringRecord} (or the
 * {@code DatabaseActivityMonitoringRecords} wrapper) whose {@code databaseActivityEventList} holds one entry per
 * audited access, with {@code dbUserName}, {@code remoteHost}, {@code databaseName}, {@code commandText},
 * {@code rowCount} and {@code logTime}. Documents may be pretty-printed over many lines or one per line.
 * Heartbeat entries are skipped.
 */
final class AuroraDasParser extends JsonDocumentParser {

    AuroraDasParser(String source, ParserOptions options) {
        super(source, options, LogFormat.AURORA_DAS, "document");
    }

    @Override
    void document(JsonNode root, String json, long line, Consumer<ParseResult> out) {
        JsonNode record = root;
        JsonNode wrapped = root.get("databaseActivityEvents");
        if (wrapped != null && wrapped.isObject()) {
            record = wrapped;
        } else if (wrapped != null && wrapped.isTextual()) {
            out.accept(new ParseResult.Reject(
                    source, line, "activity events still encrypted (decrypt before ingest)", ""));
            return;
        }
        JsonNode list = record.get("databaseActivityEventList");
        if (list == null || !list.isArray()) {
            out.accept(new ParseResult.Reject(source, line, "no databaseActivityEventList", Excerpt.of(json)));
            return;
        }
        for (JsonNode e : list) {
            entry(e, line, out);
        }
    }

    private void entry(JsonNode e, long line, Consumer<ParseResult> out) {
        if ("heartbeat".equalsIgnoreCase(Json.text(e, "type"))) {
            out.accept(new ParseResult.Skipped("heartbeat"));
            return;
        }
        String timeText = Json.text(e, "logTime");
        if (timeText == null) {
            timeText = Json.text(e, "startTime");
        }
        Instant time = timeText == null ? null : parseTime(timeText);
        if (time == null) {
            out.accept(new ParseResult.Reject(
                    source,
                    line,
                    timeText == null ? "no logTime" : "malformed logTime",
                    timeText == null ? "" : timeText));
            return;
        }
        JsonNode rowCount = e.get("rowCount");
        long rows = 0;
        if (rowCount != null && !rowCount.isNull()) {
            if (!rowCount.canConvertToLong() || rowCount.asLong() < 0) {
                out.accept(new ParseResult.Reject(source, line, "malformed rowCount", rowCount.toString()));
                return;
            }
            rows = rowCount.asLong();
        }
        String remote = Json.text(e, "remoteHost");
        String ip = MySqlSlowLogParser.looksLikeIp(remote) ? remote : null;
        String host = ip == null ? remote : null;
        String statement = Json.text(e, "commandText");
        String object = Json.text(e, "objectName");
        List<String> known = statement == null && object != null ? List.of(object) : List.of();
        out.accept(new ParseResult.Event(events.build(new DbEventFactory.Access(
                time,
                Json.text(e, "dbUserName"),
                ip,
                host,
                Json.text(e, "databaseName"),
                statement,
                null,
                known,
                rows,
                null,
                null,
                Json.text(e, "sessionId"),
                null,
                dialect(e)))));
    }

    /** The engine's dialect: DAS streams of Aurora PostgreSQL and Aurora MySQL share this format. */
    private static SqlDialect dialect(JsonNode e) {
        String protocol = Json.text(e, "dbProtocol");
        return SqlDialect.ofProtocol(protocol != null ? protocol : Json.text(e, "serverType"));
    }

    /** {@code 2019-10-30 00:39:49.990579+00} (also 7 fraction digits, or ISO-8601). */
    private Instant parseTime(String s) {
        Instant t = parseTimeText(s);
        return EventTimes.representable(t) ? t : null;
    }

    private Instant parseTimeText(String s) {
        String t = s.trim().replace(' ', 'T');
        try {
            int plus = Math.max(t.lastIndexOf('+'), t.lastIndexOf('-'));
            if (t.endsWith("Z")) {
                return Instant.parse(t);
            }
            if (plus > 10) {
                String offset = t.substring(plus);
                if (offset.length() == 3) {
                    t = t + ":00";
                }
                return OffsetDateTime.parse(t).toInstant();
            }
            return LocalDateTime.parse(t).atZone(options.logZone()).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }
}
