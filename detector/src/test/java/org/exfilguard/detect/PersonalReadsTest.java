package org.exfilguard.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.exfilguard.ingest.Fingerprint;
import org.exfilguard.ingest.SqlDialect;
import org.exfilguard.ingest.SqlTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which statements read the member table's personal data once its personal columns are listed: each statement goes
 * through the normaliser's own fingerprint and table extraction, as in the pipeline.
 */
class PersonalReadsTest {

    private static final SensitiveTables TABLES = SensitiveTables.parse("coop.members,coop.member_cards");
    private static final SensitiveColumns COLUMNS = SensitiveColumns.of(
            List.of(
                    "coop.members.first_name",
                    "coop.members.last_name",
                    "coop.members.email",
                    "coop.members.phone",
                    "coop.members.birth_date",
                    "coop.members.address_line1"),
            TABLES);

    private static final boolean COUNTS = true;
    private static final boolean DISCOUNTED = false;

    static Stream<Arguments> statements() {
        return Stream.of(
                // The analysts' report: the member table joined for two non-personal columns.
                row(
                        "SELECT t.*, s.postcode, s.segment FROM coop.orders t JOIN coop.members s ON s.id ="
                                + " t.member_id WHERE t.created_at >= '2026-03-01' AND t.created_at < '2026-03-02'"
                                + " LIMIT 20000",
                        DISCOUNTED),
                // The evasion h-prec named: personal columns through named columns of a join.
                row(
                        "select o.id, m.first_name, m.last_name, m.email from coop.orders o join coop.members m on"
                                + " m.id = o.member_id",
                        COUNTS),
                row("select o.id, m.email from coop.orders o join coop.members m on m.id = o.member_id", COUNTS),
                row(
                        "select o.id, m.postcode from coop.orders o join coop.members as m on m.id = o.member_id",
                        DISCOUNTED),
                row("select * from coop.orders o join coop.members m on m.id = o.member_id", COUNTS),
                row("select o.*, m.* from coop.orders o join coop.members m on m.id = o.member_id", COUNTS),
                row("select o.* from coop.orders o join coop.members m on m.id = o.member_id", DISCOUNTED),
                row("select coop.members.* from coop.orders join coop.members on coop.members.id = member_id", COUNTS),
                row("select members.* from coop.orders join coop.members on members.id = member_id", COUNTS),
                row("select x.* from coop.orders o join coop.members m on m.id = o.member_id", COUNTS),
                // Functions and expressions.
                row(
                        "select o.id, concat(m.first_name, ' ', m.last_name) as who from coop.orders o join"
                                + " coop.members m on m.id = o.member_id",
                        COUNTS),
                row(
                        "select o.id, upper(lower(m.email)) from coop.orders o join coop.members m on m.id = o.member_id",
                        COUNTS),
                row(
                        "select o.id, case when m.segment = 'a' then m.phone else null end from coop.orders o join"
                                + " coop.members m on m.id = o.member_id",
                        COUNTS),
                row("select count(*), m.segment from coop.members m group by m.segment", DISCOUNTED),
                row("select count(*) from coop.members", DISCOUNTED),
                // Unqualified names: a listed name counts whatever table it may belong to.
                row("select id, email from coop.orders join coop.members on members.id = member_id", COUNTS),
                row("select email from coop.members", COUNTS),
                row(
                        "select id, postcode, segment, joined_at from coop.members where id > 5 order by id limit 1000",
                        DISCOUNTED),
                row("select o.email from coop.orders o join coop.members m on m.id = o.member_id", DISCOUNTED),
                row("select z.email from coop.orders o join coop.members m on m.id = o.member_id", COUNTS),
                row("select coop.members.email from coop.members", COUNTS),
                // A table or alias used as a value is its whole row (Postgres).
                row("select row_to_json(m) from coop.members m", COUNTS),
                row(
                        "select o.id, to_jsonb(members) from coop.orders o join coop.members on members.id = o.member_id",
                        COUNTS),
                // Subqueries and CTEs are not followed: counted.
                row(
                        "select o.id, (select email from coop.members m where m.id = o.member_id) from coop.orders o",
                        COUNTS),
                row("select x.e from (select email as e from coop.members) x", COUNTS),
                row("select x.p from (select postcode as p from coop.members) x", COUNTS),
                row(
                        "select o.id, m.postcode from coop.orders o join coop.members m on m.id = o.member_id where"
                                + " m.id in (select member_id from coop.member_cards)",
                        COUNTS),
                row("with x as (select email from coop.members) select * from x", COUNTS),
                row("with x as (select postcode from coop.members) select postcode from x", COUNTS),
                // UNION: any branch that returns a listed column.
                row("select postcode from coop.members union select email from coop.members", COUNTS),
                row("select postcode from coop.members union all select segment from coop.members", DISCOUNTED),
                row("select id, name from coop.stores union select id, email from coop.members", COUNTS),
                row("(select postcode from coop.members) union (select segment from coop.members)", DISCOUNTED),
                // Quoted identifiers: backticks are names; double quotes are masked by the fingerprint (doubt).
                row(
                        "select `o`.`id`, `m`.`postcode` from `coop`.`orders` `o` join `coop`.`members` `m` on `m`.`id` = `o`.`member_id`",
                        DISCOUNTED),
                row(
                        "select `o`.`id`, `m`.`email` from `coop`.`orders` `o` join `coop`.`members` `m` on `m`.`id` = `o`.`member_id`",
                        COUNTS),
                row("select `m`.`EMAIL` from `coop`.`members` `m`", COUNTS),
                row("select m.\"postcode\" from coop.members m", COUNTS),
                row("select \"email\" from coop.members", COUNTS),
                // A literal in the select list is a placeholder in the fingerprint: not read with confidence.
                row("select 'x' as tag, m.postcode from coop.members m", COUNTS),
                // Postgres syntax.
                row("select m.postcode::text, m.segment from coop.members m limit 10 offset 20", DISCOUNTED),
                row("select m.email::text from coop.members m limit 10 offset 20", COUNTS),
                row("select m.id from coop.members m where m.id = any($1)", DISCOUNTED),
                // Unknown syntax, a statement that is no SELECT, a table without a list.
                row("select m.postcode from coop.members m where (((", COUNTS),
                row("copy (select postcode from coop.members) to stdout", COUNTS),
                row("select c.id from coop.member_cards c", COUNTS),
                row("select o.id, m.postcode from coop.orders o, coop.members m where m.id = o.member_id", DISCOUNTED),
                row("select o.id, m.postcode from coop.orders o natural join coop.members m", DISCOUNTED));
    }

    private static Arguments row(String sql, boolean counts) {
        return Arguments.of(sql, counts);
    }

    @ParameterizedTest(name = "[{index}] {1}: {0}")
    @MethodSource("statements")
    void aListedTableIsReadOnlyWhenTheResultCanHoldOneOfItsPersonalColumns(String sql, boolean counts) {
        for (SqlDialect dialect : List.of(SqlDialect.MYSQL, SqlDialect.POSTGRES)) {
            if (dialect == SqlDialect.MYSQL && sql.contains("::")) {
                continue;
            }
            if (dialect == SqlDialect.POSTGRES && sql.contains("`")) {
                continue;
            }
            String fp = Fingerprint.of(sql, dialect);
            List<String> tables =
                    new SqlTables().extract(sql, fp, "coop", dialect).tables();
            PersonalReads.Split split = new PersonalReads(TABLES, COLUMNS).split(tables, "coop", fp);
            String sensitive =
                    sql.contains("member_cards") && !sql.contains("members") ? "coop.member_cards" : "coop.members";
            assertThat(split.personal().contains(sensitive))
                    .as("%s, fingerprint %s, tables %s", dialect, fp, tables)
                    .isEqualTo(counts);
            assertThat(split.nonPersonal().contains(sensitive)).isEqualTo(!counts);
            assertThat(new PersonalReads(TABLES, SensitiveColumns.NONE)
                            .split(tables, "coop", fp)
                            .personal())
                    .as("without a column list every read of the table counts")
                    .contains(sensitive);
        }
    }

    @Test
    void aStatementReadingTwoTablesKeepsTheWholeTableAndDropsTheListedOneItReturnsNothingPersonalOf() {
        String sql = "select c.*, m.postcode from coop.member_cards c join coop.members m on m.id = c.member_id";
        String fp = Fingerprint.of(sql, SqlDialect.MYSQL);
        PersonalReads.Split split =
                new PersonalReads(TABLES, COLUMNS).split(List.of("coop.member_cards", "coop.members"), null, fp);
        assertThat(split.personal()).containsExactly("coop.member_cards");
        assertThat(split.nonPersonal()).containsExactly("coop.members");
    }

    @Test
    void columnEntriesNameAColumnOfATableInTheSensitiveList() {
        SensitiveTables tables = SensitiveTables.parse("coop.members:high,cards");
        SensitiveColumns columns =
                SensitiveColumns.of(List.of(" `Coop`.`Members`.`EMAIL` ", "cards.pan", "coop.members.phone"), tables);
        assertThat(columns.of("coop.members")).containsExactlyInAnyOrder("email", "phone");
        assertThat(columns.of("shop.cards")).as("a bare table in any database").containsExactly("pan");
        assertThat(columns.of("coop.member_cards")).isNull();
        assertThat(SensitiveColumns.of(List.of(""), tables).isEmpty()).isTrue();
        assertThatThrownBy(() -> SensitiveColumns.of(List.of("email"), tables))
                .hasMessageContaining("'email'")
                .hasMessageContaining("db.table.column");
        assertThatThrownBy(() -> SensitiveColumns.of(List.of("coop.members.*"), tables))
                .hasMessageContaining("every column");
        assertThatThrownBy(() -> SensitiveColumns.of(List.of("coop.orders.email"), tables))
                .hasMessageContaining("coop.orders is not in sensitive.tables");
        assertThatThrownBy(() -> SensitiveColumns.of(List.of("coop.members.e mail"), tables))
                .hasMessageContaining("'coop.members.e mail'");
    }
}
