package org.exfilguard.detect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The configured sensitive tables, matched case-insensitively. An entry {@code coop.members} matches the
 * qualified name, and an unqualified {@code members} read in database {@code coop}; an entry {@code members}
 * matches a table of that name in any database.
 */
public final class SensitiveTables {

    private final Set<String> qualified = new LinkedHashSet<>();
    private final Set<String> anyDatabase = new LinkedHashSet<>();

    private SensitiveTables(Collection<String> entries) {
        for (String raw : entries) {
            String entry = normalise(raw);
            if (entry.isEmpty()) {
                continue;
            }
            (entry.contains(".") ? qualified : anyDatabase).add(entry);
        }
    }

    public static SensitiveTables of(Collection<String> entries) {
        return new SensitiveTables(entries);
    }

    public static SensitiveTables parse(String commaSeparated) {
        return of(List.of(commaSeparated.split(",")));
    }

    /** The sensitive scopes a statement touches: the tables' qualified names, deduplicated, in order. */
    public List<String> match(List<String> tables, String database) {
        List<String> scopes = new ArrayList<>(2);
        for (String raw : tables) {
            String table = normalise(raw);
            String qualifiedName = table.contains(".") || database == null || database.isEmpty()
                    ? table : normalise(database) + "." + table;
            String bare = qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
            if ((qualified.contains(qualifiedName) || anyDatabase.contains(bare)) && !scopes.contains(qualifiedName)) {
                scopes.add(qualifiedName);
            }
        }
        return scopes;
    }

    /**
     * Whether a statement on {@code database} could touch a sensitive table: an entry is qualified with it, an entry
     * names a table in any database, or the database is not known.
     */
    public boolean coversDatabase(String database) {
        if (isEmpty()) {
            return false;
        }
        if (database == null || database.isEmpty() || !anyDatabase.isEmpty()) {
            return true;
        }
        String prefix = normalise(database) + ".";
        for (String q : qualified) {
            if (q.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return qualified.isEmpty() && anyDatabase.isEmpty();
    }

    public List<String> entries() {
        List<String> all = new ArrayList<>(qualified);
        all.addAll(anyDatabase);
        return all;
    }

    private static String normalise(String name) {
        return name.trim().replace("`", "").replace("\"", "").toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return String.join(",", entries());
    }
}
