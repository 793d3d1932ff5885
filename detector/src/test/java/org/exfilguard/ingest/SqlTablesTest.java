package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.exfilguard.schema.Operation;
import org.junit.jupiter.api.Test;

class SqlTablesTest {

    private final SqlTables tables = new SqlTables();

    @Test
    void simpleSelectTakesTheFastPathAndQualifiesWithCurrentDatabase() {
        SqlTables.Extraction x = tables.extract(
                "SELECT m.* FROM Members m JOIN `coop`.`cards` c ON c.member_id = m.id WHERE m.id = 5", "coop");
        assertThat(x.method()).isEqualTo(SqlTables.Method.FAST_PATH);
        assertThat(x.operation()).isEqualTo(Operation.SELECT);
        assertThat(x.tables()).containsExactly("coop.members", "coop.cards");
    }

    @Test
    void unqualifiedNameWithoutDatabaseStaysBare() {
        assertThat(tables.extract("select * from members", null).tables()).containsExactly("members");
    }

    @Test
    void subqueriesAndJoinsGoThroughTheParser() {
        SqlTables.Extraction x = tables.extract(
                "SELECT a.id FROM a LEFT JOIN (SELECT id FROM b WHERE b.x IN (SELECT x FROM c)) s ON s.id = a.id",
                "db");
        assertThat(x.method()).isEqualTo(SqlTables.Method.PARSER);
        assertThat(x.tables()).containsExactlyInAnyOrder("db.a", "db.b", "db.c");
    }

    @Test
    void cteNamesAreNotTables() {
        SqlTables.Extraction x = tables.extract(
                "WITH recent AS (SELECT * FROM coop.members WHERE joined > '2025-01-01') SELECT r.email FROM recent r",
                "coop");
        assertThat(x.operation()).isEqualTo(Operation.SELECT);
        assertThat(x.tables()).containsExactly("coop.members");
    }

    @Test
    void insertSelectReadsOnlyTheSource() {
        SqlTables.Extraction x = tables.extract("INSERT INTO archive.m SELECT * FROM coop.members", null);
        assertThat(x.operation()).isEqualTo(Operation.DML);
        assertThat(x.tables()).containsExactly("coop.members");
    }

    @Test
    void copyToIsCopyOut() {
        assertThat(tables.extract("COPY public.members TO STDOUT WITH CSV", null))
                .isEqualTo(new SqlTables.Extraction(
                        Operation.COPY_OUT, java.util.List.of("public.members"), SqlTables.Method.FAST_PATH));
        SqlTables.Extraction q =
                tables.extract("COPY (SELECT email FROM members WHERE id > 5) TO '/tmp/m.csv'", "public");
        assertThat(q.operation()).isEqualTo(Operation.COPY_OUT);
        assertThat(q.tables()).containsExactly("public.members");
        assertThat(tables.extract("COPY members FROM STDIN", "public").operation())
                .isEqualTo(Operation.DML);
    }

    @Test
    void intoOutfileAndMysqldumpAreExports() {
        SqlTables.Extraction x = tables.extract("SELECT * INTO OUTFILE '/tmp/m.txt' FROM coop.members", null);
        assertThat(x.operation()).isEqualTo(Operation.EXPORT);
        assertThat(x.tables()).containsExactly("coop.members");
        assertThat(tables.extract("SELECT /*!40001 SQL_NO_CACHE */ * FROM `members`", "coop"))
                .extracting(SqlTables.Extraction::operation, SqlTables.Extraction::tables)
                .containsExactly(Operation.EXPORT, java.util.List.of("coop.members"));
    }

    @Test
    void countStarIsASelectOfTheTable() {
        SqlTables.Extraction x = tables.extract("SELECT COUNT(*) FROM coop.members", null);
        assertThat(x.operation()).isEqualTo(Operation.SELECT);
        assertThat(x.tables()).containsExactly("coop.members");
    }

    @Test
    void classifiesDmlDdlAndOther() {
        assertThat(tables.extract("UPDATE t SET a = 1 WHERE id IN (SELECT id FROM s)", "d")
                        .tables())
                .containsExactly("d.s");
        assertThat(tables.extract("DROP TABLE t", "d").operation()).isEqualTo(Operation.DDL);
        assertThat(tables.extract("CREATE TABLE t2 AS SELECT * FROM t", "d").tables())
                .contains("d.t");
        assertThat(tables.extract("SET NAMES utf8", "d"))
                .isEqualTo(new SqlTables.Extraction(Operation.OTHER, java.util.List.of(), SqlTables.Method.NONE));
        assertThat(tables.extract("SHOW INDEX FROM t", "d").operation()).isEqualTo(Operation.OTHER);
    }

    @Test
    void statementsAboveTheBoundSkipTheParser() {
        SqlTables small = new SqlTables(1024, 10);
        String big = "SELECT a FROM x JOIN (SELECT b FROM y) q ON q.b = x.a WHERE x.c IN (" + "1,".repeat(2000) + "2)";
        SqlTables.Extraction x = small.extract(big, "d");
        assertThat(x.method()).isEqualTo(SqlTables.Method.TOKEN_SCAN);
        assertThat(x.tables()).containsExactlyInAnyOrder("d.x", "d.y");
    }

    @Test
    void unparseableStatementFallsBackToTokenScanWithoutThrowing() {
        SqlTables.Extraction x = tables.extract("SELECT ??? FROM members WHERE ((( broken", "coop");
        assertThat(x.tables()).containsExactly("coop.members");
    }

    @Test
    void cacheDistinguishesCurrentDatabase() {
        assertThat(tables.extract("select * from t where a = 1", "one").tables())
                .containsExactly("one.t");
        assertThat(tables.extract("select * from t where a = 2", "two").tables())
                .containsExactly("two.t");
    }

    @Test
    void deeplyNestedStatementsAreRefusedBeforeTheFullParser() {
        // 150 nested parentheses cost JSqlParser its 2 s timeout each; the depth scan sends them to the token scan.
        SqlTables t = new SqlTables();
        for (int i = 0; i < 30; i++) {
            String sql = "SELECT * FROM coop.members_" + i + " WHERE id IN (SELECT a FROM t WHERE x = "
                    + "(".repeat(150) + i + ")".repeat(150) + ")";
            SqlTables.Extraction x = t.extract(sql, "coop");
            assertThat(x.method()).isEqualTo(SqlTables.Method.TOKEN_SCAN);
            assertThat(x.tables()).contains("coop.members_" + i);
        }
        assertThat(t.parserCalls()).isZero();
    }

    @Test
    void nestingUpToTheBoundStillGoesThroughTheFullParser() {
        SqlTables t = new SqlTables();
        String sql = "SELECT * FROM coop.members WHERE id IN (SELECT a FROM coop.cards WHERE x = "
                + "(".repeat(SqlTables.MAX_PARSE_DEPTH - 1) + "1" + ")".repeat(SqlTables.MAX_PARSE_DEPTH - 1) + ")";
        SqlTables.Extraction x = t.extract(sql, "coop");
        assertThat(x.method()).isEqualTo(SqlTables.Method.PARSER);
        assertThat(x.tables()).containsExactlyInAnyOrder("coop.members", "coop.cards");
        assertThat(t.parserCalls()).isEqualTo(1);
    }

    @Test
    void aShapeJSqlParserFailsOnIsParsedOnce() {
        // Double-quoted names keep these out of the result cache; the failure cache still stops the second parse.
        SqlTables t = new SqlTables();
        for (int i = 0; i < 30; i++) {
            t.extract("SELECT ??? FROM \"members_" + i + "\" WHERE ((( broken", "coop");
        }
        assertThat(t.parserCalls()).isEqualTo(1);
    }

    @Test
    void spacesAndCommentsAroundTheDotStillNameTheTable() {
        for (String sql : List.of(
                "SELECT * FROM coop . members",
                "SELECT * FROM coop/* x */./* y */members WHERE id = 1",
                "SELECT * FROM `coop` . `members`",
                "SELECT * FROM coop .members m JOIN coop. cards c ON c.mid = m.id")) {
            assertThat(tables.extract(sql, "other", SqlDialect.MYSQL).tables())
                    .as(sql)
                    .startsWith("coop.members");
        }
    }

    @Test
    void versionedCommentsAreReadAsCode() {
        assertThat(tables.extract("SELECT * FROM /*!50000 coop.members */", null, SqlDialect.MYSQL)
                        .tables())
                .containsExactly("coop.members");
        // A subquery takes the statement past the fast path to JSqlParser, which would skip the comment.
        SqlTables.Extraction x = tables.extract(
                "SELECT * FROM /*!50000 coop.members */ WHERE id IN (SELECT mid FROM /*!32312 coop.cards */)",
                null,
                SqlDialect.MYSQL);
        assertThat(x.tables()).containsExactlyInAnyOrder("coop.members", "coop.cards");
    }

    @Test
    void handlerReadIsARead() {
        assertThat(tables.extract("HANDLER coop.members READ FIRST", null, SqlDialect.MYSQL))
                .isEqualTo(new SqlTables.Extraction(
                        Operation.SELECT, List.of("coop.members"), SqlTables.Method.FAST_PATH));
        assertThat(tables.extract("HANDLER members READ `PRIMARY` NEXT LIMIT 1000", "coop", SqlDialect.MYSQL)
                        .tables())
                .containsExactly("coop.members");
        assertThat(tables.extract("HANDLER coop.members OPEN", null, SqlDialect.MYSQL)
                        .operation())
                .isEqualTo(Operation.OTHER);
    }

    @Test
    void callAndExecuteHaveUndeterminedTables() {
        for (String sql : List.of(
                "CALL coop.export_members(5)",
                "EXECUTE dump_stmt",
                "DO $$ BEGIN PERFORM 1; END $$",
                "PREPARE s FROM 'SELECT * FROM coop.members'")) {
            SqlTables.Extraction x = tables.extract(sql, "coop");
            assertThat(x.undetermined()).as(sql).isTrue();
            assertThat(x.tables()).as(sql).isEmpty();
        }
        assertThat(tables.extract("SELECT 1", "coop").undetermined()).isFalse();
        assertThat(tables.extract("SELECT * FROM coop.members", "coop").undetermined())
                .isFalse();
    }

    @Test
    void aNulInsideANameDoesNotCutIt() {
        assertThat(tables.extract("SELECT * FROM coop.mem\u0000bers", null, SqlDialect.MYSQL)
                        .tables())
                .containsExactly("coop.members");
        assertThat(tables.extract("SELECT * FROM coop.mem\u0000bers WHERE id IN (SELECT 1)", null, SqlDialect.POSTGRES)
                        .tables())
                .containsExactly("coop.members");
    }
}
