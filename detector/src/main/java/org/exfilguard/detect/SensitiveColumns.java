package org.exfilguard.detect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The personal columns of sensitive tables, for the tables that have a list: entries {@code db.table.column} (or
 * {@code table.column} for a table listed in {@code sensitive.tables} without a database). A table without entries,
 * the default, has every column sensitive. A statement reads a listed table's sensitive data when its result can
 * hold one of the listed columns (see {@link PersonalReads}).
 */
public final class SensitiveColumns {

    /** No table has a list: every column of every sensitive table is sensitive. */
    public static final SensitiveColumns NONE = new SensitiveColumns(Map.of());

    private static final Pattern PART = Pattern.compile("[a-z0-9_$\\u0080-\\uffff]+");

    /** Table as listed in {@code sensitive.tables} (lower case) -> its personal columns. */
    private final Map<String, Set<String>> byTable;

    private SensitiveColumns(Map<String, Set<String>> byTable) {
        this.byTable = byTable;
    }

    /**
     * Entries {@code db.table.column} or {@code table.column}, whose table part is an entry of {@code tables}.
     *
     * @throws IllegalArgumentException naming the first entry that is not a column of a sensitive table
     */
    public static SensitiveColumns of(Collection<String> entries, SensitiveTables tables) {
        Set<String> known = new LinkedHashSet<>(tables.entries());
        Map<String, Set<String>> byTable = new LinkedHashMap<>();
        for (String raw : entries) {
            String entry = raw.trim().replace("`", "").replace("\"", "").toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            int dot = entry.lastIndexOf('.');
            String table = dot < 0 ? "" : entry.substring(0, dot);
            String column = entry.substring(dot + 1);
            if (dot < 0 || column.equals("*")) {
                throw new IllegalArgumentException("'" + raw.trim()
                        + "': expected db.table.column, e.g. coop.members.email (a table without entries has every"
                        + " column sensitive)");
            }
            for (String part : entry.split("\\.", -1)) {
                if (!PART.matcher(part).matches()) {
                    throw new IllegalArgumentException(
                            "'" + raw.trim() + "': expected db.table.column, e.g. coop.members.email");
                }
            }
            if (!known.contains(table)) {
                throw new IllegalArgumentException("'" + raw.trim() + "': " + table + " is not in sensitive.tables ("
                        + String.join(",", known) + ")");
            }
            byTable.computeIfAbsent(table, t -> new LinkedHashSet<>()).add(column);
        }
        Map<String, Set<String>> frozen = new LinkedHashMap<>();
        byTable.forEach((t, c) -> frozen.put(t, Set.copyOf(c)));
        return frozen.isEmpty() ? NONE : new SensitiveColumns(java.util.Collections.unmodifiableMap(frozen));
    }

    /**
     * The personal columns of a sensitive scope ({@code db.table} as {@link SensitiveTables#match} returns it): of its
     * qualified entry, else of its bare-name entry; null when the table has no list (every column is sensitive).
     */
    public Set<String> of(String scope) {
        if (byTable.isEmpty()) {
            return null;
        }
        String name = scope.toLowerCase(Locale.ROOT);
        Set<String> listed = byTable.get(name);
        return listed != null ? listed : byTable.get(name.substring(name.lastIndexOf('.') + 1));
    }

    public boolean isEmpty() {
        return byTable.isEmpty();
    }

    /** The entries, {@code table.column}, in the order given. */
    public List<String> entries() {
        List<String> out = new ArrayList<>();
        byTable.forEach((t, cols) -> cols.stream().sorted().forEach(c -> out.add(t + "." + c)));
        return out;
    }

    @Override
    public String toString() {
        return String.join(",", entries());
    }
}
