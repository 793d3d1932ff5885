package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FingerprintTest {

    @Test
    void replacesStringNumberHexAndFoldsWhitespace() {
        assertThat(
                        Fingerprint.of(
                                "SELECT  *\n FROM Members WHERE email = 'ann@example.com' AND id=42 AND h = 0x1F AND b = X'0A';"))
                .isEqualTo("select * from members where email = ? and id=? and h = ? and b = ?");
    }

    @Test
    void collapsesInListsAndMultiRowValues() {
        assertThat(Fingerprint.of("select a from t where id IN (1, 2, 3) and c in ('x','y')"))
                .isEqualTo("select a from t where id in(?+) and c in(?+)");
        assertThat(Fingerprint.of("INSERT INTO t (a,b) VALUES (1,'x'),(2,'y'), (3, 'z')"))
                .isEqualTo("insert into t (a,b) values(?+)");
    }

    @Test
    void dropsCommentsAndKeepsQuotedIdentifiers() {
        assertThat(Fingerprint.of("/* app=web */ SELECT `Name` FROM `db`.`T` -- trailing 'secret'\n WHERE x = \"v\""))
                .isEqualTo("select `name` from `db`.`t` where x = ?");
    }

    @Test
    void masksPostgresDollarQuotesAndBindParameters() {
        assertThat(Fingerprint.of("SELECT * FROM f($1, $body$ secret $body$, E'esc\\'aped')"))
                .isEqualTo("select * from f(?, ?, ?)");
    }

    @Test
    void identifiersWithDigitsSurvive() {
        assertThat(Fingerprint.of("select t1.c2 from tbl_2020 t1 limit 10, 20"))
                .isEqualTo("select t1.c2 from tbl_2020 t1 limit ?");
    }

    @Test
    void hugeValuesListDoesNotOverflowTheStack() {
        StringBuilder sb = new StringBuilder("INSERT INTO t VALUES ");
        for (int i = 0; i < 200_000; i++) {
            sb.append(i == 0 ? "" : ",").append("(").append(i).append(",'card 4111111111111111')");
        }
        String fp = Fingerprint.of(sb.toString());
        assertThat(fp).isEqualTo("insert into t values(?+)");
    }

    @Test
    void longFingerprintsAreCut() {
        String fp = Fingerprint.of("select " + "a, ".repeat(5000) + "b from t");
        assertThat(fp.length()).isLessThan(Fingerprint.MAX_LENGTH + 20);
        assertThat(fp).endsWith("/*truncated*/");
    }

    private static final String LEAKY =
            "SELECT * FROM coop.members WHERE note = 'C:\\' OR email = 'alice.leak@example.com'"
                    + " OR card = 'VISA4111111111111111'";

    @Test
    void postgresBackslashIsAnOrdinaryCharacterInAStandardString() {
        assertThat(Fingerprint.of(LEAKY, SqlDialect.POSTGRES))
                .isEqualTo("select * from coop.members where note = ? or email = ? or card = ?");
    }

    @Test
    void unknownDialectMasksFromWhereTheReadingsDisagree() {
        String fp = Fingerprint.of(LEAKY, SqlDialect.UNKNOWN);
        assertThat(fp)
                .startsWith("select * from coop.members where note = ?")
                .doesNotContain("alice")
                .doesNotContain("visa");
        assertThat(Fingerprint.maskForDisplay(LEAKY, 200))
                .doesNotContain("alice")
                .doesNotContain("visa");
    }

    @Test
    void postgresStringForms() {
        assertThat(Fingerprint.of(
                        "select E'it\\'s secret', e'\\\\', U&'d\\0061t'' secret', U&\"Secret Name\", x'1f', b'01', n'secret'",
                        SqlDialect.POSTGRES))
                .isEqualTo("select ?, ?, ?, ?, ?, ?, ?");
        assertThat(Fingerprint.of("select $$ it's secret $$, $q$ a $$ secret $q$, $1", SqlDialect.POSTGRES))
                .isEqualTo("select ?, ?, ?");
        assertThat(Fingerprint.of("select 'a''secret', 'back\\slash' from t", SqlDialect.POSTGRES))
                .isEqualTo("select ?, ? from t");
    }

    @Test
    void postgresCommentsNestAndHashIsAnOperator() {
        assertThat(Fingerprint.of("/* a /* b */ 'secret' */ select a # b from t -- 'secret'", SqlDialect.POSTGRES))
                .isEqualTo("select a # b from t");
    }

    @Test
    void mysqlStringForms() {
        assertThat(Fingerprint.of(
                        "select 'it\\'s secret', \"dq \\\" secret\", 'a'' secret', \"b\"\" secret\", X'0A', 0x1F, b'0101', 0b11,"
                                + " _utf8mb4'secret', N'secret'",
                        SqlDialect.MYSQL))
                .isEqualTo("select ?, ?, ?, ?, ?, ?, ?, ?, _utf8mb4?, ?");
        assertThat(Fingerprint.of("select `Na``me` from `db`.`T`", SqlDialect.MYSQL))
                .isEqualTo("select `na``me` from `db`.`t`");
    }

    @Test
    void mysqlCommentsAndVersionedComments() {
        assertThat(Fingerprint.of("select 1--1 from t # 'secret'\n where a = 1 -- 'secret'", SqlDialect.MYSQL))
                .isEqualTo("select ?--? from t where a = ?");
        assertThat(Fingerprint.of(
                        "SELECT /*+ MAX_EXECUTION_TIME('secret') */ * FROM /*!50000 coop.Members WHERE a = 'secret' */",
                        SqlDialect.MYSQL))
                .isEqualTo("select * from coop.members where a = ?");
        assertThat(Fingerprint.of("SELECT /*!40001 SQL_NO_CACHE */ * FROM t", SqlDialect.MYSQL))
                .isEqualTo("select sql_no_cache * from t");
    }

    @Test
    void unbalancedQuotesAndCommentsMaskEverythingAfterThem() {
        for (SqlDialect d : SqlDialect.values()) {
            assertThat(Fingerprint.of("select * from t where a = 'secret and b = 5", d))
                    .as("%s", d)
                    .isEqualTo("select * from t where a = ?");
            assertThat(Fingerprint.of("select * from t where a = $x$ secret", d))
                    .as("%s", d)
                    .isEqualTo("select * from t where a = ?");
            assertThat(Fingerprint.of("select * from t /* 'secret", d))
                    .as("%s", d)
                    .isEqualTo("select * from t");
        }
        assertThat(Fingerprint.of("select 'a\\\\', 'secret", SqlDialect.MYSQL)).isEqualTo("select ?, ?");
    }
}
