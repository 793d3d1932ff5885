package org.exfilguard.sim;

/**
 * Statement shapes as a fingerprinter leaves them: every literal is '?'. Kept generic over the table
 * name so any configured table gets plausible statements.
 */
final class Fingerprints {
    private Fingerprints() {}

    static String pointLookup(String table) {
        return "SELECT * FROM " + table + " WHERE id = ?";
    }

    static String rangeRead(String table) {
        return "SELECT * FROM " + table + " WHERE id BETWEEN ? AND ?";
    }

    static String memberDetail(String table) {
        return "SELECT id, first_name, last_name, email, postcode, status FROM " + table + " WHERE id BETWEEN ? AND ?";
    }

    static String byOwner(String table) {
        return "SELECT * FROM " + table + " WHERE member_id = ? AND status = ?";
    }

    static String recent(String table) {
        return "SELECT * FROM " + table + " WHERE updated_at >= ? ORDER BY updated_at DESC LIMIT ?";
    }

    static String aggregate(String table) {
        return "SELECT store_id, COUNT(*), SUM(total) FROM " + table + " WHERE created_at >= ? GROUP BY store_id";
    }

    static String report(String table) {
        return "SELECT t.* FROM " + table + " t WHERE t.created_at >= ? AND t.created_at < ? LIMIT ?";
    }

    static String reportJoin(String table, String sensitive) {
        return "SELECT t.*, s.postcode, s.segment FROM " + table + " t JOIN " + sensitive
                + " s ON s.id = t.member_id WHERE t.created_at >= ? AND t.created_at < ? LIMIT ?";
    }

    static String keysetChunk(String table) {
        return "SELECT * FROM " + table + " WHERE id > ? ORDER BY id LIMIT ?";
    }

    static String exportChunk(String table) {
        return "SELECT id, postcode, segment, joined_at FROM " + table + " WHERE id > ? ORDER BY id LIMIT ?";
    }

    static String offsetDump(String table) {
        return "SELECT * FROM " + table + " LIMIT ?, ?";
    }

    static String count(String table) {
        return "SELECT COUNT(*) FROM " + table;
    }

    static final String SCHEMA_STATS =
            "SELECT table_name, table_rows, data_length FROM information_schema.tables WHERE table_schema = ?";
}
