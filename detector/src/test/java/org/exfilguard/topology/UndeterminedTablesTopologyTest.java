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
        DbAccessEvent e = TestEvents.dbRead()
                .tables()
                .database(database)
                .operation(Operation.OTHER)
                .fingerprint("call export_members()")
                .at(at)
                .build();
        e.setTablesUndetermined(true);
        return e;
    }

    @Test
    void statementWithUndeterminedTablesOnTheSensitiveDatabaseIsCountedApart() {
        driver.pipe(call("coop", T0));
        driver.pipe(call("analytics", T0.plusSeconds(1)));
        driver.pipe(TestEvents.dbRead()
                .tables()
                .database("coop")
                .fingerprint("select ?")
                .at(T0.plusSeconds(2))
                .build());
        assertThat(driver.metrics()
                        .count("exfil.events", "source", "db-access", "outcome", "undetermined_on_sensitive_database"))
                .isEqualTo(1);
        assertThat(driver.metrics().count("exfil.events", "source", "db-access", "outcome", "not_sensitive"))
                .isEqualTo(2);
        assertThat(driver.alerts()).isEmpty();
    }

    /**
     * An extraction that hides its table (MySQL's HANDLER ... READ, a versioned comment the parser cannot read) still
     * crosses the thresholds its rows would cross as a table's, and alerts as a kind of its own.
     */
    @Test
    void aBulkReadThroughStatementsWhoseTablesCannotBeDeterminedAlertsAsItsOwnKind() {
        driver.pipe(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 14, 3));
        Instant start =
                DetectorTopologyTest.DAY0.plus(java.time.Duration.ofDays(14)).plus(java.time.Duration.ofHours(14));
        for (int i = 0; i < 40; i++) {
            DbAccessEvent read = TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp("10.8.4.21")
                    .tables()
                    .database("coop")
                    .operation(Operation.OTHER)
                    .fingerprint("handler coop.members read next")
                    .rows(50_000)
                    .at(start.plusSeconds(20L * i))
                    .build();
            read.setTablesUndetermined(true);
            driver.pipe(read);
        }
        driver.pipe(TestEvents.dbRead()
                .account("other")
                .rows(1)
                .at(start.plus(java.time.Duration.ofHours(4)))
                .build());
        driver.pipe(TestEvents.dbRead()
                .account("other")
                .rows(1)
                .at(start.plus(java.time.Duration.ofHours(4)).plusSeconds(90))
                .build());
        driver.endOfInput();
        var jdoe = driver.alerts().stream()
                .filter(a -> a.getAccount().equals("jdoe"))
                .toList();
        assertThat(jdoe).extracting(a -> a.getKind()).contains(org.exfilguard.schema.AlertKind.UNDETERMINED_TABLES);
        var own = jdoe.stream()
                .filter(a -> a.getKind() == org.exfilguard.schema.AlertKind.UNDETERMINED_TABLES)
                .toList();
        assertThat(own)
                .extracting(a -> a.getStatus())
                .startsWith(org.exfilguard.schema.AlertStatus.OPENED)
                .endsWith(org.exfilguard.schema.AlertStatus.CLOSED);
        assertThat(own.get(0).getTable()).isEqualTo(org.exfilguard.profile.ScopeProfile.UNDETERMINED);
        assertThat(own.get(0).getReason()).contains("statements whose tables could not be determined");
        assertThat(driver.alertsJson()).anyMatch(j -> j.contains("Bulk Read Of Undetermined Tables"));
        assertThat(driver.metrics()
                        .count("exfil.events", "source", "db-access", "outcome", "undetermined_on_sensitive_database"))
                .isEqualTo(40);
    }
}
