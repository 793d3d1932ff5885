package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.ingest.Fingerprint;
import org.exfilguard.ingest.SqlDialect;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.Test;

/**
 * {@code sensitive.columns}: an analyst whose normal is a few dozen member rows runs a report on the orders table that
 * joins the member table for its postcode and segment (15,000 rows in one statement). With the member table's personal
 * columns listed that is no read of member data; without the list it is a bulk read of the member table, as before.
 * The same join returning the members' e-mail addresses is a bulk read either way.
 */
class ColumnSensitivityTopologyTest {

    private static final String PERSONAL = "coop.members.first_name,coop.members.last_name,coop.members.email,"
            + "coop.members.phone,coop.members.birth_date,coop.members.address_line1";

    private static final String REPORT = "SELECT t.*, s.postcode, s.segment FROM coop.orders t JOIN coop.members s"
            + " ON s.id = t.member_id WHERE t.created_at >= '2026-03-16' AND t.created_at < '2026-03-17' LIMIT 20000";

    private static final String EMAILS = "SELECT o.id, m.email FROM coop.orders o JOIN coop.members m"
            + " ON m.id = o.member_id WHERE o.created_at >= '2026-03-16' LIMIT 20000";

    private static List<ExfiltrationAlert> run(boolean columnList, String sql) {
        DetectorDriver.Builder builder = DetectorDriver.builder();
        if (columnList) {
            builder = builder.withConfig(ExfilguardConfig.SENSITIVE_COLUMNS, PERSONAL);
        }
        try (DetectorDriver driver = builder.build()) {
            driver.pipe(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 14, 5));
            Instant at = DetectorTopologyTest.DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
            driver.pipe(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp("10.8.4.21")
                    .tables("coop.orders", "coop.members")
                    .fingerprint(Fingerprint.of(sql, SqlDialect.MYSQL))
                    .rows(15_000)
                    .at(at)
                    .build());
            driver.pipe(TestEvents.dbRead()
                    .account("other")
                    .rows(1)
                    .at(at.plus(Duration.ofHours(4)))
                    .build());
            driver.endOfInput();
            double nonPersonal = driver.metrics().count("exfil.reads.non.personal");
            double outcome =
                    driver.metrics().count("exfil.events", "source", "db-access", "outcome", "non_personal_columns");
            boolean discounted = columnList && sql.equals(REPORT);
            assertThat(nonPersonal).as("the read counted as non-personal").isEqualTo(discounted ? 1 : 0);
            assertThat(outcome).isEqualTo(discounted ? 1 : 0);
            return driver.alerts().stream()
                    .filter(a -> a.getAccount().equals("jdoe"))
                    .toList();
        }
    }

    @Test
    void aReportJoiningTheMemberTableForNonPersonalColumnsIsNoBulkReadWithTheColumnList() {
        assertThat(run(true, REPORT)).isEmpty();
    }

    @Test
    void withoutAColumnListTheSameReportIsABulkReadOfTheMemberTable() {
        assertThat(run(false, REPORT)).extracting(ExfiltrationAlert::getKind).contains(AlertKind.BULK_READ);
        assertThat(run(false, REPORT)).anyMatch(a -> a.getTable().equals("coop.members"));
    }

    @Test
    void theSameJoinReturningEmailAddressesIsABulkReadWithOrWithoutTheList() {
        for (boolean columnList : new boolean[] {true, false}) {
            List<ExfiltrationAlert> alerts = run(columnList, EMAILS);
            assertThat(alerts).as("column list %s", columnList).isNotEmpty();
            assertThat(alerts)
                    .filteredOn(a -> a.getTable().equals("coop.members"))
                    .extracting(ExfiltrationAlert::getKind)
                    .contains(AlertKind.BULK_READ);
        }
    }
}
