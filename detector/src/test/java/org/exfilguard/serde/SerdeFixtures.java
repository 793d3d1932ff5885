package org.exfilguard.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Operation;
import org.exfilguard.schema.Severity;

/** Sample events and schema variants shared by the serde tests. */
final class SerdeFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-03-01T02:15:00Z");

    private SerdeFixtures() {}

    static DbAccessEvent dbRead() {
        return DbAccessEvent.newBuilder()
                .setEventTime(T0)
                .setAccount("svc_report")
                .setClientIp("10.1.2.3")
                .setDatabase("coop")
                .setTables(List.of("coop.members"))
                .setOperation(Operation.SELECT)
                .setRowsReturned(2_400_000L)
                .setRowsExamined(2_400_000L)
                .setBytesReturned(512_000_000L)
                .setStatementFingerprint("select * from members where region = ?")
                .setSessionId("s-42")
                .setSourceFormat("pgaudit")
                .build();
    }

    static ExfiltrationAlert alert() {
        return ExfiltrationAlert.newBuilder()
                .setAlertId("a-1")
                .setIncidentId("i-1")
                .setStatus(AlertStatus.OPENED)
                .setKind(AlertKind.READ_THEN_EGRESS)
                .setSeverity(Severity.CRITICAL)
                .setScore(41.5)
                .setAccount("svc_report")
                .setTable("coop.members")
                .setDetectedAt(T0.plusMillis(250))
                .setWindow("15m")
                .setWindowStart(T0.minusSeconds(900))
                .setWindowEnd(T0.plusMillis(250))
                .setObservedRows(2_400_000L)
                .setObservedBytes(null)
                .setBaselineRows(1200.0)
                .setBaselineSpread(300.0)
                .setThresholdRows(57_800.0)
                .setBaselineMethod("personal-daily-peak")
                .setBaselineHistoryDays(28)
                .setFirstSeen(T0.minusSeconds(600))
                .setClientIps(List.of("10.1.2.3"))
                .setStatementFingerprints(List.of("select * from members where region = ?"))
                .setEgress(EgressEvidence.newBuilder()
                        .setSrcIp("10.1.2.3")
                        .setBytesOut(498_000_000L)
                        .setFirstTime(T0.plusSeconds(60))
                        .setLastTime(T0.plusSeconds(420))
                        .setDestinations(List.of(EgressDestination.newBuilder()
                                .setDstIp("203.0.113.9")
                                .setDstHost("files.example.net")
                                .setBytesOut(498_000_000L)
                                .setFirstSeenFromHost(true)
                                .setFirstSeenInOrg(true)
                                .build()))
                        .build())
                .setMitreTechniques(List.of("T1213", "T1048"))
                .setReason("svc_report read 2.4M rows of coop.members, 41x its threshold, then uploaded 498 MB")
                .setDetectorVersion("0.1.0")
                .build();
    }

    /** DbAccessEvent's schema with the named field removed: an older producer. */
    static Schema dbAccessEventWithout(String fieldName) {
        ObjectNode schema = currentDbAccessEventJson();
        ArrayNode fields = (ArrayNode) schema.get("fields");
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).get("name").asText().equals(fieldName)) {
                fields.remove(i);
                return new Schema.Parser().parse(schema.toString());
            }
        }
        throw new IllegalArgumentException("no field " + fieldName);
    }

    /** DbAccessEvent's schema plus one extra field given as JSON: a newer producer. */
    static Schema dbAccessEventPlus(String extraFieldJson) {
        ObjectNode schema = currentDbAccessEventJson();
        try {
            ((ArrayNode) schema.get("fields")).add(JSON.readTree(extraFieldJson));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        return new Schema.Parser().parse(schema.toString());
    }

    /** DbAccessEvent's schema with one field's type replaced (JSON of the type). */
    static Schema dbAccessEventWithType(String fieldName, String typeJson) {
        ObjectNode schema = currentDbAccessEventJson();
        try {
            for (var field : schema.get("fields")) {
                if (field.get("name").asText().equals(fieldName)) {
                    ((ObjectNode) field).set("type", JSON.readTree(typeJson));
                    ((ObjectNode) field).remove("default");
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        return new Schema.Parser().parse(schema.toString());
    }

    private static ObjectNode currentDbAccessEventJson() {
        try {
            return (ObjectNode) JSON.readTree(DbAccessEvent.getClassSchema().toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
