package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every parser, fed hostile input (noise, wrong encodings, truncated, mutated and edge-valued entries, several
 * back to back), ends each input as a valid event, a reject with a reason or a skip: no exception, no hang, nothing
 * buffered past the entry bound. Inputs alternate between whole-record parsing (a shipper's Kafka record) and line
 * feeding through {@link BoundedLineReader} (a file).
 */
class ParserPropertiesTest {

    private static final int TRIES = 10_000;

    private static void holds(HostileInputs.Shape shape, String input, boolean asRecord) {
        ParseHarness.checkAll(ParseHarness.parse(shape.format, input, asRecord));
    }

    @Property(tries = TRIES)
    void mysqlSlowLogNeverThrows(@ForAll("mysqlSlow") String input, @ForAll boolean asRecord) {
        holds(HostileInputs.Shape.MYSQL_SLOW, input, asRecord);
    }

    @Property(tries = TRIES)
    void pgauditNeverThrows(@ForAll("pgaudit") String input, @ForAll boolean asRecord) {
        holds(HostileInputs.Shape.PGAUDIT, input, asRecord);
    }

    @Property(tries = TRIES)
    void auroraDasNeverThrows(@ForAll("auroraDas") String input, @ForAll boolean asRecord) {
        holds(HostileInputs.Shape.AURORA_DAS, input, asRecord);
    }

    @Property(tries = TRIES)
    void mysqlAuditJsonNeverThrows(@ForAll("mysqlAudit") String input, @ForAll boolean asRecord) {
        holds(HostileInputs.Shape.MYSQL_AUDIT, input, asRecord);
    }

    @Property(tries = TRIES)
    void zeekConnTsvNeverThrows(@ForAll("zeekTsv") String input, @ForAll boolean asRecord) {
        holds(HostileInputs.Shape.ZEEK_TSV, input, asRecord);
    }

    @Property(tries = TRIES)
    void zeekConnJsonNeverThrows(@ForAll("zeekJson") String input, @ForAll boolean asRecord) {
        holds(HostileInputs.Shape.ZEEK_JSON, input, asRecord);
    }

    @Property(tries = TRIES)
    void vpcFlowNeverThrows(@ForAll("vpcFlow") String input, @ForAll boolean asRecord) {
        holds(HostileInputs.Shape.VPC_FLOW, input, asRecord);
    }

    @Property(tries = TRIES)
    void canonicalJsonNeverThrows(@ForAll("canonical") String input, @ForAll boolean asRecord) {
        holds(HostileInputs.Shape.CANONICAL, input, asRecord);
    }

    /** The untouched samples parse to events: otherwise the properties above would only ever see rejects. */
    @Property(tries = 200)
    void ordinaryEntriesBecomeEvents(@ForAll("ordinary") ShapeAndText s, @ForAll boolean asRecord) {
        assertThat(ParseHarness.checkAll(ParseHarness.parse(s.shape().format, s.text(), asRecord)))
                .isNotEmpty();
    }

    record ShapeAndText(HostileInputs.Shape shape, String text) {}

    @Provide
    Arbitrary<ShapeAndText> ordinary() {
        return net.jqwik.api.Arbitraries.of(HostileInputs.Shape.class)
                .flatMap(sh -> HostileInputs.filled(sh, 0.0).map(t -> new ShapeAndText(sh, t)));
    }

    @Provide
    Arbitrary<String> mysqlSlow() {
        return HostileInputs.hostile(HostileInputs.Shape.MYSQL_SLOW);
    }

    @Provide
    Arbitrary<String> pgaudit() {
        return HostileInputs.hostile(HostileInputs.Shape.PGAUDIT);
    }

    @Provide
    Arbitrary<String> auroraDas() {
        return HostileInputs.hostile(HostileInputs.Shape.AURORA_DAS);
    }

    @Provide
    Arbitrary<String> mysqlAudit() {
        return HostileInputs.hostile(HostileInputs.Shape.MYSQL_AUDIT);
    }

    @Provide
    Arbitrary<String> zeekTsv() {
        return HostileInputs.hostile(HostileInputs.Shape.ZEEK_TSV);
    }

    @Provide
    Arbitrary<String> zeekJson() {
        return HostileInputs.hostile(HostileInputs.Shape.ZEEK_JSON);
    }

    @Provide
    Arbitrary<String> vpcFlow() {
        return HostileInputs.hostile(HostileInputs.Shape.VPC_FLOW);
    }

    @Provide
    Arbitrary<String> canonical() {
        return HostileInputs.hostile(HostileInputs.Shape.CANONICAL);
    }
}
