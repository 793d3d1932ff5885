package org.exfilguard.ingest;

/**
 * A statement with every literal replaced by {@code ?}, comments dropped, whitespace folded and everything lower
 * case, in the manner of pt-query-digest's fingerprint: {@code IN (1,2,3)} becomes {@code in(?+)} and a multi-row
 * {@code VALUES} list becomes {@code values(?+)}. Strings, numbers, hex and bit literals, postgres dollar-quoted
 * strings, double-quoted names and bind parameters all become {@code ?}, so the fingerprint never carries query data.
 * <p>
 * Where a literal ends depends on the {@link SqlDialect}. Masking fails closed: an unclosed quote or comment masks
 * everything after it, and when the dialect is not known the statement is read both ways and everything from the
 * first place the readings disagree is masked. MySQL's versioned comments ({@code /*!50000 ... *}{@code /}) are code
 * the server runs, so their content is kept as code.
 */
public final class Fingerprint {

    /** Longer fingerprints are cut here: a megabyte INSERT would otherwise make a megabyte event. */
    public static final int MAX_LENGTH = 4096;

    /** Marker: copy the token's own characters, lower-cased. */
    private static final String LOWER_IN_PLACE = new String("\u0000lower");

    private Fingerprint() {}

    /** Appended to a fingerprint cut at {@link #MAX_LENGTH}. */
    public static final String TRUNCATED = " /*truncated*/";

    /** The fingerprint of {@code sql} in {@code dialect}; never null, empty for blank input. */
    public static String of(String sql, SqlDialect dialect) {
        String masked = uncapped(sql, dialect);
        if (masked.length() > MAX_LENGTH) {
            masked = masked.substring(0, MAX_LENGTH) + TRUNCATED;
        }
        return masked;
    }

    /** The fingerprint of a statement of unknown dialect. */
    public static String of(String sql) {
        return of(sql, SqlDialect.UNKNOWN);
    }

    /** The fingerprint without the length cap: for finding tables past the cap, never for an event. */
    static String uncapped(String sql, SqlDialect dialect) {
        String masked = mask(sql, Integer.MAX_VALUE, dialect);
        if (masked.indexOf('(') >= 0) {
            masked = collapseLists(masked);
        }
        if (masked.contains("limit ?")) {
            masked = masked.replace("limit ?, ?", "limit ?").replace("limit ? offset ?", "limit ?");
        }
        return masked;
    }

    /**
     * Masks literals of arbitrary text for display (reject excerpts): like {@link #of} of unknown dialect without
     * collapsing lists, stopping after {@code maxChars} output characters.
     */
    public static String maskForDisplay(String text, int maxChars) {
        return mask(text, maxChars, SqlDialect.UNKNOWN);
    }

    /**
     * {@code in (?, ?)} to {@code in(?+)} and {@code values (?, ?), (?, ?)} to {@code values(?+)}, in one linear pass
     * (a regular expression recurses per element and overflows the stack on a megabyte INSERT).
     */
    private static String collapseLists(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int n = s.length();
        int i = 0;
        while (i < n) {
            String keyword = keywordAt(s, i);
            if (keyword != null) {
                int k = i + keyword.length();
                if (k < n && s.charAt(k) == ' ') {
                    k++;
                }
                int end = placeholderGroups(s, k, !keyword.equals("in"));
                if (end > k) {
                    out.append(keyword.equals("in") ? "in" : "values").append("(?+)");
                    i = end;
                    continue;
                }
            }
            out.append(s.charAt(i));
            i++;
        }
        return out.toString();
    }

    private static final String[] LIST_KEYWORDS = {"values", "value", "in"};

    private static String keywordAt(String s, int i) {
        char c = s.charAt(i);
        if ((c != 'i' && c != 'v') || (i > 0 && isWordChar(s.charAt(i - 1)))) {
            return null;
        }
        for (String k : LIST_KEYWORDS) {
            if (s.startsWith(k, i) && (i + k.length() >= s.length() || !isWordChar(s.charAt(i + k.length())))) {
                return k;
            }
        }
        return null;
    }

    /** End of {@code (?, ?)} groups starting at {@code i} (several, comma separated, when {@code many}); {@code i} if none. */
    private static int placeholderGroups(String s, int i, boolean many) {
        int n = s.length();
        int end = i;
        int k = i;
        while (k < n && s.charAt(k) == '(') {
            k++;
            boolean expectItem = true;
            while (k < n) {
                char c = s.charAt(k);
                if (c == ' ') {
                    k++;
                } else if (expectItem && c == '?') {
                    expectItem = false;
                    k++;
                } else if (!expectItem && c == ',') {
                    expectItem = true;
                    k++;
                } else {
                    break;
                }
            }
            if (k >= n || s.charAt(k) != ')' || expectItem) {
                return end;
            }
            end = ++k;
            if (!many) {
                return end;
            }
            int next = k;
            while (next < n && s.charAt(next) == ' ') {
                next++;
            }
            if (next < n && s.charAt(next) == ',') {
                next++;
                while (next < n && s.charAt(next) == ' ') {
                    next++;
                }
                k = next;
            } else {
                return end;
            }
        }
        return end;
    }

    private static String mask(String sql, int maxChars, SqlDialect dialect) {
        if (dialect != SqlDialect.UNKNOWN) {
            return lex(sql, maxChars, dialect == SqlDialect.MYSQL);
        }
        String postgres = lex(sql, maxChars, false);
        String mysql = lex(sql, maxChars, true);
        if (postgres.equals(mysql)) {
            return postgres;
        }
        // The readings part where one takes a quote as the end of a literal and the other does not: only what both
        // produced before that point is known to be code in either dialect.
        int k = 0;
        int common = Math.min(postgres.length(), mysql.length());
        while (k < common && postgres.charAt(k) == mysql.charAt(k)) {
            k++;
        }
        String agreed = postgres.substring(0, k).stripTrailing();
        String masked = agreed.isEmpty() ? "?" : agreed + " ?";
        return masked.length() > maxChars ? masked.substring(0, maxChars) : masked;
    }

    /** One reading of {@code sql}: MySQL's when {@code mysql}, else postgres's. */
    private static String lex(String sql, int maxChars, boolean mysql) {
        int n = sql.length();
        StringBuilder out = new StringBuilder(Math.min(n, 1024));
        boolean pendingSpace = false;
        boolean inVersionedComment = false;
        boolean afterDot = false;
        int i = 0;
        while (i < n && out.length() < maxChars) {
            char c = sql.charAt(i);
            if (c <= ' ') {
                if (isSpace(c)) {
                    pendingSpace = out.length() > 0;
                }
                // Other control characters (a NUL) are no separator in either dialect: dropped, they split no name.
                i++;
                continue;
            }
            int next;
            String token;
            if (c == '\'' || c == '"') {
                // A postgres "name" is masked too: it cannot be told from a MySQL string when the dialect is unknown.
                next = skipQuoted(sql, i, c, mysql);
                token = "?";
            } else if (c == '`') {
                next = skipQuoted(sql, i, '`', false);
                token = LOWER_IN_PLACE;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                if (mysql && !inVersionedComment && i + 2 < n && sql.charAt(i + 2) == '!') {
                    // MySQL runs /*!50000 ... */ (every server newer than the version does): read on as code.
                    inVersionedComment = true;
                    i = skipDigits(sql, i + 3);
                } else {
                    i = mysql ? skipComment(sql, i) : skipNestedComment(sql, i);
                }
                pendingSpace = out.length() > 0;
                continue;
            } else if (inVersionedComment && c == '*' && i + 1 < n && sql.charAt(i + 1) == '/') {
                inVersionedComment = false;
                i += 2;
                pendingSpace = out.length() > 0;
                continue;
            } else if ((c == '-'
                            && i + 1 < n
                            && sql.charAt(i + 1) == '-'
                            && (!mysql || i + 2 >= n || sql.charAt(i + 2) <= ' '))
                    || (c == '#' && mysql)) {
                // MySQL's '--' needs a space after it ('1--1' is arithmetic); '#' is postgres's XOR operator.
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
                pendingSpace = out.length() > 0;
                continue;
            } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                next = skipDigits(sql, i + 1);
                token = "?";
            } else if (c == '$') {
                next = skipDollarQuoted(sql, i);
                token = next > i + 1 ? "?" : "$";
                if (next == i) {
                    next = i + 1;
                }
            } else if (isDigit(c) || (c == '.' && i + 1 < n && isDigit(sql.charAt(i + 1)))) {
                next = skipNumber(sql, i);
                token = "?";
            } else if (isWordChar(c)) {
                next = i + 1;
                while (next < n && isWordChar(sql.charAt(next))) {
                    next++;
                }
                if (next - i == 1 && next < n && sql.charAt(next) == '\'' && "xXbBnNeE".indexOf(c) >= 0) {
                    // X'0F', B'01', N'text', E'text': prefixed strings; postgres's E'' alone takes backslash escapes.
                    next = skipQuoted(sql, next, '\'', mysql || c == 'e' || c == 'E');
                    token = "?";
                } else if (!mysql
                        && next - i == 1
                        && (c == 'u' || c == 'U')
                        && next + 1 < n
                        && sql.charAt(next) == '&'
                        && (sql.charAt(next + 1) == '\'' || sql.charAt(next + 1) == '"')) {
                    // U&'d\0061t\+000061' and U&"name": unicode escapes, but a quote is only escaped by doubling.
                    next = skipQuoted(sql, next + 1, sql.charAt(next + 1), false);
                    token = "?";
                } else {
                    token = LOWER_IN_PLACE;
                }
            } else {
                next = i + 1;
                token = null;
            }
            boolean dot = token == null && c == '.';
            if (pendingSpace && !dot && !afterDot) {
                out.append(' ');
            }
            // 'coop . members' and 'coop/**/.members' name the table coop.members: the dot joins without spaces.
            pendingSpace = false;
            afterDot = dot;
            if (token == null) {
                out.append(c);
            } else if (token == LOWER_IN_PLACE) {
                // Copying characters lower-cased avoids a substring and a toLowerCase per word: this is the hot loop.
                for (int k = i; k < next; k++) {
                    char w = sql.charAt(k);
                    out.append(w >= 'A' && w <= 'Z' ? (char) (w + 32) : w < 0x80 ? w : Character.toLowerCase(w));
                }
            } else {
                out.append(token);
            }
            i = next;
        }
        int len = out.length();
        while (len > 0 && (out.charAt(len - 1) == ';' || out.charAt(len - 1) == ' ')) {
            len--;
        }
        out.setLength(Math.min(len, maxChars));
        return out.toString();
    }

    /** Index after a MySQL comment's closing mark; an unclosed comment runs to the end of the text. */
    private static int skipComment(String s, int start) {
        int end = s.indexOf("*/", start + 2);
        return end < 0 ? s.length() : end + 2;
    }

    /** Index after a postgres comment, whose comments nest; an unclosed one runs to the end of the text. */
    private static int skipNestedComment(String s, int start) {
        int n = s.length();
        int depth = 0;
        int i = start;
        while (i + 1 < n) {
            char c = s.charAt(i);
            if (c == '/' && s.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (c == '*' && s.charAt(i + 1) == '/') {
                i += 2;
                if (--depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_' || c == '$' || c >= 0x80;
    }

    private static int skipDigits(String s, int i) {
        while (i < s.length() && isDigit(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipNumber(String s, int i) {
        int n = s.length();
        if (s.charAt(i) == '0'
                && i + 1 < n
                && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X' || s.charAt(i + 1) == 'b')) {
            i += 2;
        }
        while (i < n) {
            char c = s.charAt(i);
            if (isWordChar(c) || c == '.') {
                i++;
            } else if ((c == '+' || c == '-') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    /**
     * Index after the closing quote; doubled quotes, and backslash escapes when {@code backslashEscapes}, stay inside.
     * Unterminated: the end of the text, so that an unbalanced quote masks everything after it.
     */
    private static int skipQuoted(String s, int start, char quote, boolean backslashEscapes) {
        int n = s.length();
        int i = start + 1;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\' && backslashEscapes) {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && s.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** Postgres {@code $tag$ ... $tag$}; returns {@code start} when this is not a dollar quote. */
    private static int skipDollarQuoted(String s, int start) {
        int close = s.indexOf('$', start + 1);
        if (close < 0) {
            return start;
        }
        for (int k = start + 1; k < close; k++) {
            char c = s.charAt(k);
            if (!(Character.isLetterOrDigit(c) || c == '_')) {
                return start;
            }
        }
        String tag = s.substring(start, close + 1);
        int end = s.indexOf(tag, close + 1);
        return end < 0 ? s.length() : end + tag.length();
    }
}
