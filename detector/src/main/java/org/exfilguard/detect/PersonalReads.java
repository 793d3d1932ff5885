package org.exfilguard.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.exfilguard.ingest.SqlProjection;

/**
 * Which sensitive tables a statement reads personal data of. A table with a column list ({@link SensitiveColumns})
 * is read only when the statement's result can hold one of its listed columns, as {@link SqlProjection} reads the
 * statement's fingerprint: a report that joins the member table for its postcode is not a read of members' personal
 * data, while {@code m.email}, {@code concat(m.email, ...)}, {@code m.*} or {@code *} through the same join are, and
 * so is anything the projection cannot be read with confidence from. Tables without a list are read as before. Not
 * thread-safe (the projection cache): one instance per task.
 */
public final class PersonalReads {

    /**
     * The sensitive tables of one statement.
     *
     * @param personal    the tables whose sensitive data it reads: profiled as before
     * @param nonPersonal the tables it provably returns no listed column of: not profiled, counted apart
     */
    public record Split(List<String> personal, List<String> nonPersonal) {}

    private final SensitiveTables tables;
    private final SensitiveColumns columns;
    private final SqlProjection projections = new SqlProjection();

    public PersonalReads(SensitiveTables tables, SensitiveColumns columns) {
        this.tables = tables;
        this.columns = columns;
    }

    /** The sensitive tables of a statement on {@code tablesRead} in {@code database}, with fingerprint {@code fp}. */
    public Split split(List<String> tablesRead, String database, String fp) {
        List<String> matched = tables.match(tablesRead, database);
        if (matched.isEmpty() || columns.isEmpty()) {
            return new Split(matched, List.of());
        }
        SqlProjection.Columns projected = null;
        List<String> personal = new ArrayList<>(matched.size());
        List<String> nonPersonal = List.of();
        for (String table : matched) {
            Set<String> listed = columns.of(table);
            if (listed == null) {
                personal.add(table);
                continue;
            }
            if (projected == null) {
                projected = projections.of(fp, database);
            }
            Set<String> returned = projected.of(table);
            if (returned == null || returned.stream().anyMatch(listed::contains)) {
                personal.add(table);
            } else {
                if (nonPersonal.isEmpty()) {
                    nonPersonal = new ArrayList<>(1);
                }
                nonPersonal.add(table);
            }
        }
        return new Split(personal, nonPersonal);
    }
}
