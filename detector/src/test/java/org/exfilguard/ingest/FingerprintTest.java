package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FingerprintTest {

    @Test
    void replacesStringNumberHexAndFoldsWhitespace() {
        assertThat(Fingerprint.of("SELECT  *\n FROM Members WHERE email = 'ann@example.com' AND id=42 AND h = 0x1F AND b = X'0A';"))
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
        assertThat(Fingerprint.of("select t1.c2 from tbl_2020 t1 limit 10, 20")).isEqualTo("select t1.c2 from tbl_2020 t1 limit ?");
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
}
