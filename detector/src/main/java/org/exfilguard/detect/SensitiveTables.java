package org.exfilguard.detect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The configured sensitive tables, matched case-insensitively. An entry {@code coop.members} matches the
 * qualified name, and an unqualified {@code members} read in database {@code coop}; an entry {@code members}
 * matches a table of that name in any database.
 *
 * <p>Each table has a {@link SensitivityTier}: written after it ({@code coop.member_cards:critical}), else taken from
 * the default tiers ({@link #DEFAULT_TIERS}, configurable), else {@code standard}. A plain list of names, as
 * earlier versions took, still works.
 */
public final class SensitiveTables {

    /** Tiers of tables listed without one: the card table is critical, the member table high. */
    public static final List<String> DEFAULT_TIERS = List.of("coop.member_cards:critical", "coop.members:high");

    private final Set<String> qualified = new LinkedHashSet<>();
    private final Set<String> anyDatabase = new LinkedHashSet<>();
    private final Map<String, SensitivityTier> tiers = new HashMap<>();

    private SensitiveTables(Collection<String> entries, Collection<String> defaultTiers) {
        Map<String, SensitivityTier> fallback = new HashMap<>();
        for (String raw : defaultTiers) {
            String entry = normalise(raw);
            int colon = entry.indexOf(':');
            if (colon > 0) {
                fallback.put(entry.substring(0, colon).trim(), SensitivityTier.parse(entry.substring(colon + 1)));
            } else if (!entry.isEmpty()) {
                throw new IllegalArgumentException(
                        "default tier '" + raw.trim() + "': expected table:tier, e.g. coop.member_cards:critical");
            }
        }
        for (String raw : entries) {
            String entry = normalise(raw);
            SensitivityTier tier = null;
            int colon = entry.indexOf(':');
            if (colon >= 0) {
                tier = SensitivityTier.parse(entry.substring(colon + 1));
                entry = entry.substring(0, colon).trim();
            }
            if (entry.isEmpty()) {
                continue;
            }
            (entry.contains(".") ? qualified : anyDatabase).add(entry);
            tiers.put(entry, tier != null ? tier : fallback.getOrDefault(entry, SensitivityTier.STANDARD));
        }
    }

    /** Entries {@code table} or {@code table:tier}; tables without a tier take theirs from {@link #DEFAULT_TIERS}. */
    public static SensitiveTables of(Collection<String> entries) {
        return new SensitiveTables(entries, DEFAULT_TIERS);
    }

    /** Entries {@code table} or {@code table:tier}; tables without a tier take theirs from {@code defaultTiers}. */
    public static SensitiveTables of(Collection<String> entries, Collection<String> defaultTiers) {
        return new SensitiveTables(entries, defaultTiers);
    }

    public static SensitiveTables parse(String commaSeparated) {
        return of(List.of(commaSeparated.split(",")));
    }

    /**
     * The tier of a sensitive scope ({@code db.table} as {@link #match} returns it): of its qualified entry, else of
     * its bare-name entry; null for a scope that is not a configured table.
     */
    public SensitivityTier tier(String scope) {
        String name = normalise(scope);
        if (qualified.contains(name)) {
            return tiers.get(name);
        }
        String bare = name.substring(name.lastIndexOf('.') + 1);
        return anyDatabase.contains(bare) ? tiers.get(bare) : null;
    }

    /**
     * The least sensitive tier of the configured tables: the tier that judges reads across all of them together, so
     * reads of the member table are never held to the card table's floors.
     */
    public SensitivityTier leastSensitive() {
        SensitivityTier least = SensitivityTier.CRITICAL;
        for (SensitivityTier t : tiers.values()) {
            if (t.ordinal() > least.ordinal()) {
                least = t;
            }
        }
        return tiers.isEmpty() ? SensitivityTier.STANDARD : least;
    }

    /** The sensitive scopes a statement touches: the tables' qualified names, deduplicated, in order. */
    public List<String> match(List<String> tables, String database) {
        List<String> scopes = new ArrayList<>(2);
        for (String raw : tables) {
            String table = normalise(raw);
            String qualifiedName = table.contains(".") || database == null || database.isEmpty()
                    ? table
                    : normalise(database) + "." + table;
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
