package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The columns per table a statement's result can hold; the verdicts over many statements are in PersonalReadsTest. */
class SqlProjectionTest {

    private final SqlProjection projection = new SqlProjection();

    private SqlProjection.Columns of(String sql) {
        return projection.of(Fingerprint.of(sql, SqlDialect.MYSQL), "coop");
    }

    @Test
    void namedColumnsGoToTheTableTheirQualifierNamesAndStarsMakeATableWhole() {
        SqlProjection.Columns report = of("SELECT t.*, s.postcode, upper(s.segment) FROM orders t"
                + " JOIN coop.members s ON s.id = t.member_id WHERE t.created_at >= '2026-03-01' LIMIT 100");
        assertThat(report.of("coop.orders")).as("t.*: any column").isNull();
        assertThat(report.of("coop.members")).contains("postcode", "segment").doesNotContain("id", "member_id");
    }

    @Test
    void anUnqualifiedNameMayBeAColumnOfEveryTable() {
        SqlProjection.Columns columns =
                of("select email, o.id from coop.orders o join coop.members m on m.id = o.member_id");
        assertThat(columns.of("coop.members")).contains("email").doesNotContain("id");
        assertThat(columns.of("coop.orders")).contains("email", "id");
    }

    @Test
    void whatIsNotReadWithConfidenceLeavesEveryTableWhole() {
        assertThat(of("select (select email from coop.members limit 1) from coop.orders"))
                .isEqualTo(SqlProjection.Columns.ANY);
        assertThat(of("insert into coop.audit select email from coop.members")).isEqualTo(SqlProjection.Columns.ANY);
        assertThat(of("select m.postcode from coop.members m, lateral (select 1) x"))
                .isEqualTo(SqlProjection.Columns.ANY);
        String capped = "select m.postcode, " + "m.segment, ".repeat(500) + "m.id from coop.members m";
        assertThat(of(capped)).as("a capped fingerprint").isEqualTo(SqlProjection.Columns.ANY);
        assertThat(projection.of(null, null)).isEqualTo(SqlProjection.Columns.ANY);
    }

    @Test
    void aTableNotInTheSelectListReturnsNoColumn() {
        assertThat(of("select o.id from coop.orders o join coop.members m on m.id = o.member_id")
                        .of("coop.members"))
                .as("o.id is the orders table's")
                .isEmpty();
    }

    @Test
    void aFingerprintAsAShipperMayWriteItInUpperCaseReadsTheSame() {
        SqlProjection.Columns columns = projection.of(
                "SELECT t.*, s.postcode, s.segment FROM coop.orders t JOIN coop.members s ON s.id = t.member_id"
                        + " WHERE t.created_at >= ? LIMIT ?",
                null);
        assertThat(columns.of("coop.members")).contains("postcode", "segment").doesNotContain("email");
        assertThat(columns.of("coop.orders")).isNull();
    }
}
