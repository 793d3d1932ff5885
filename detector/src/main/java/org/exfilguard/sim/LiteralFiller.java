package org.exfilguard.sim;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.exfilguard.schema.DbAccessEvent;

/**
 * Puts harmless fake literals back into a fingerprint so a log line looks like a statement a server ran.
 * Values are ids, offsets, page sizes, dates and status words: never a name, an address, an e-mail or a
 * card-like number, because the logs must not carry anything that looks like member data.
 */
final class LiteralFiller {
    private static final java.util.regex.Pattern DATE_COMPARISON =
            java.util.regex.Pattern.compile("_AT\\s*(>=|<=|>|<|=)$");
    private static final String[] STATUSES = {"'active'", "'closed'", "'pending'", "'blocked'"};
    private final SplittableRandom rng;

    LiteralFiller(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    String fill(DbAccessEvent e) {
        String fp = e.getStatementFingerprint();
        if (fp == null) {
            return "SELECT 1";
        }
        long rows = Math.max(1, e.getRowsReturned());
        long examined = e.getRowsExamined() == null ? rows : e.getRowsExamined();
        StringBuilder out = new StringBuilder(fp.length() + 32);
        long betweenLow = -1;
        boolean limitOffsetDone = false;
        for (int i = 0; i < fp.length(); i++) {
            char c = fp.charAt(i);
            if (c != '?') {
                out.append(c);
                continue;
            }
            String before = fp.substring(0, i).stripTrailing().toUpperCase(java.util.Locale.ROOT);
            String after = fp.substring(i + 1).stripLeading();
            if (before.endsWith("LIMIT") && after.startsWith(",")) {
                out.append(Math.max(0, examined - rows)); // LIMIT offset, count: the server skipped the offset
                limitOffsetDone = true;
            } else if (before.endsWith("LIMIT") || (limitOffsetDone && before.endsWith(","))) {
                out.append(rows);
            } else if (before.endsWith("BETWEEN")) {
                betweenLow = 1 + rng.nextLong(5_000_000L);
                out.append(betweenLow);
            } else if (before.endsWith("AND") && betweenLow >= 0) {
                out.append(betweenLow + rows - 1);
                betweenLow = -1;
            } else if (DATE_COMPARISON.matcher(before).find()) {
                LocalDate d =
                        e.getEventTime().atZone(ZoneOffset.UTC).toLocalDate().minusDays(rng.nextInt(31));
                out.append('\'').append(d).append(" 00:00:00'");
            } else if (before.endsWith("STATUS =")) {
                out.append(STATUSES[rng.nextInt(STATUSES.length)]);
            } else if (before.endsWith("TABLE_SCHEMA =")) {
                out.append('\'')
                        .append(e.getDatabase() == null ? "coop" : e.getDatabase())
                        .append('\'');
            } else {
                out.append(1 + rng.nextLong(9_999_999L));
            }
        }
        return out.toString();
    }
}
