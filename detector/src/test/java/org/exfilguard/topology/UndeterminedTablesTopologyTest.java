package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.Operation;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UndeterminedTablesTopologyTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private final DetectorDriver driver = DetectorDriver.withDefaults();

    @AfterEach
    void close() {
        driver.close();
    }

    private static DbAccessEvent call(String database, Instant at) {
        DbAccessEvent e = TestEvents.dbRead().tables().database(database).operation(Operation.OTHER)
                .fingerprint("call export_members()").at(at).build();
        e.setTablesUndetermined(true);
        return e;
    }

    @Test
    void statementWithUndeterminedTablesOnTheSensitiveDatabaseIsCountedApart() {
        driver.pipe(call("coop", T0));
        driver.pipe(call("analytics", T0.plusSeconds(1)));
        driver.pipe(TestEvents.dbRead().tables().database("coop").fingerprint("select ?").at(T0.plusSeconds(2)).build());
        assertThat(driver.metrics().count("exfil.events", "source", "db-access", "outcome", "undetermined_on_sensitive_database"))
                .isEqualTo(1);
        assertThat(driver.metrics().count("exfil.events", "source", "db-access", "outcome", "not_sensitive")).isEqualTo(2);
        assertThat(driver.alerts()).isEmpty();
    }
}
