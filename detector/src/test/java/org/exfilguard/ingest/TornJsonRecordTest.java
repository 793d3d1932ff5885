package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.exfilguard.schema.DbAccessEvent;
import org.junit.jupiter.api.Test;

/** One record missing its closing brackets costs that record, counted, and not the records after it. */
class TornJsonRecordTest {

    private static String dasLine(int i, long rows) {
        return "{\"type\":\"DatabaseActivityMonitoringRecord\",\"databaseActivityEventList\":[{\"logTime\":\"2024-03-05 10:15:"
                + String.format("%02d", i % 60) + ".5+00\",\"type\":\"record\",\"dbUserName\":\"app" + i
                + "\",\"databaseName\":\"coop\",\"remoteHost\":\"10.0.0.7\",\"commandText\":\"select * from members\",\"rowCount\":"
                + rows + "}]}";
    }

    private static String auditRecord(int i) {
        return "{ \"timestamp\": \"2024-03-05 10:15:30\", \"id\": " + i
                + ", \"class\": \"table_access\", \"event\": \"read\", "
                + "\"connection_id\": " + i + ", \"account\": { \"user\": \"app" + i + "\", \"host\": \"web1\" }, "
                + "\"login\": { \"user\": \"app\", \"ip\": \"10.0.0.7\" }, \"table_access_data\": { \"db\": \"coop\", "
                + "\"table\": \"members\", \"query\": \"select * from members\", \"sql_command\": \"select\" } }";
    }

    private static ParseStats parse(LogFormat format, String input, List<ParseResult> out) {
        ParseStats stats = new ParseStats();
        LogParser p = format.newParser("torn.json", ParserOptions.defaults());
        for (String line : input.split("\n", -1)) {
            p.accept(line, r -> {
                stats.record(r);
                out.add(r);
            });
        }
        p.finish(r -> {
            stats.record(r);
            out.add(r);
        });
        return stats;
    }

    private static List<ParseResult.Reject> rejects(List<ParseResult> rs) {
        return rs.stream()
                .filter(r -> r instanceof ParseResult.Reject)
                .map(r -> (ParseResult.Reject) r)
                .toList();
    }

    @Test
    void tornAuroraRecordOnOneLineDoesNotHideTheNextTwoHundred() {
        StringBuilder in = new StringBuilder();
        String torn = dasLine(0, 5);
        in.append(torn, 0, torn.length() - 2).append('\n'); // "]}" lost
        for (int i = 1; i <= 200; i++) {
            in.append(dasLine(i, i == 100 ? 900_000 : 1)).append('\n');
        }
        List<ParseResult> rs = new java.util.ArrayList<>();
        ParseStats stats = parse(LogFormat.AURORA_DAS, in.toString(), rs);
        assertThat(stats.events()).isEqualTo(200);
        assertThat(stats.rowsReturned()).isEqualTo(199 + 900_000);
        assertThat(rejects(rs)).singleElement().satisfies(r -> {
            assertThat(r.source()).isEqualTo("torn.json");
            assertThat(r.line()).isEqualTo(1);
            assertThat(r.reason()).isEqualTo("unterminated JSON document (the next one began before it closed)");
        });
    }

    @Test
    void everyTornRecordIsCountedSeparately() {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            String line = dasLine(i, 1);
            in.append(i % 5 == 0 ? line.substring(0, line.length() - 1 - i % 3) : line)
                    .append('\n');
        }
        List<ParseResult> rs = new java.util.ArrayList<>();
        ParseStats stats = parse(LogFormat.AURORA_DAS, in.toString(), rs);
        assertThat(stats.events()).isEqualTo(40);
        assertThat(rejects(rs))
                .hasSize(10)
                .extracting(ParseResult.Reject::line)
                .containsExactly(1L, 6L, 11L, 16L, 21L, 26L, 31L, 36L, 41L, 46L);
    }

    @Test
    void tornPrettyPrintedAuroraRecordIsResynchronisedAtTheNextDocument() {
        String pretty = """
                {
                  "type": "DatabaseActivityMonitoringRecord",
                  "databaseActivityEventList": [
                    {
                      "logTime": "2024-03-05 10:15:30.5+00", "type": "record", "dbUserName": "%s",
                      "remoteHost": "10.0.0.7", "commandText": "select * from members", "rowCount": %d
                    }
                  ]
                }
                """;
        String torn = pretty.formatted("cut", 1);
        torn = torn.substring(0, torn.indexOf("    }")); // cut inside the event, after a complete value
        String in = torn + pretty.formatted("next", 900_000) + pretty.formatted("last", 1);
        List<ParseResult> rs = new java.util.ArrayList<>();
        ParseStats stats = parse(LogFormat.AURORA_DAS, in, rs);
        assertThat(rs.stream()
                        .filter(r -> r instanceof ParseResult.Event)
                        .map(r -> ((DbAccessEvent) ((ParseResult.Event) r).record()).getAccount()))
                .containsExactly("next", "last");
        assertThat(stats.rowsReturned()).isEqualTo(900_001);
        assertThat(rejects(rs))
                .singleElement()
                .extracting(ParseResult.Reject::line)
                .isEqualTo(1L);
    }

    @Test
    void tornMySqlAuditRecordDoesNotHideTheRecordsAfterIt() {
        StringBuilder in = new StringBuilder("[\n");
        String torn = auditRecord(0);
        in.append(torn, 0, torn.length() - 4).append('\n'); // inside table_access_data, after a string
        for (int i = 1; i <= 200; i++) {
            in.append(auditRecord(i)).append(",\n");
        }
        in.append("]\n");
        List<ParseResult> rs = new java.util.ArrayList<>();
        ParseStats stats = parse(LogFormat.MYSQL_AUDIT, in.toString(), rs);
        assertThat(stats.events()).isEqualTo(200);
        assertThat(rejects(rs)).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(2);
            assertThat(r.reason()).isEqualTo("unterminated JSON record (the next one began before it closed)");
        });
    }

    @Test
    void prettyPrintedDocumentsWithNestedObjectsAreNotSplit() {
        String doc = """
                {
                  "type": "DatabaseActivityMonitoringRecords",
                  "databaseActivityEvents":
                  {
                    "databaseActivityEventList": [
                      {
                        "logTime": "2024-03-05 10:15:30.5+00", "dbUserName": "a", "rowCount": 2
                      },
                      {
                        "logTime": "2024-03-05 10:15:31.5+00", "dbUserName": "b", "rowCount": 3
                      }
                    ]
                  }
                }
                """;
        List<ParseResult> rs = new java.util.ArrayList<>();
        ParseStats stats = parse(LogFormat.AURORA_DAS, doc + doc, rs);
        assertThat(rejects(rs)).isEmpty();
        assertThat(stats.events()).isEqualTo(4);
    }
}
