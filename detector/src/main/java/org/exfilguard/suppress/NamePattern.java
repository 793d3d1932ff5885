package org.exfilguard.suppress;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A name or a glob: {@code *} stands for any run of characters, {@code ?} for one; everything else is literal.
 * Deliberately smaller than a file-system glob: no braces or brackets whose meaning a rule author could misread.
 */
final class NamePattern {

    private final String text;
    private final Pattern regex;
    private final boolean matchesEverything;

    private NamePattern(String text, boolean ignoreCase) {
        this.text = text;
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char ch : text.toCharArray()) {
            if (ch == '*' || ch == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(ch == '*' ? ".*" : ".");
            } else {
                literal.append(ch);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        this.regex = Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        this.matchesEverything = matchesEveryName(text, ignoreCase);
    }

    /**
     * True for a pattern that matches every name, or every name but the shortest: made only of {@code *} and
     * {@code ?} with at least one {@code *} ({@code ?*} is any non-empty name), or, for a {@code db.table}, two such
     * parts around the dot ({@code *.*}). Such a rule names nothing, however it is spelt.
     */
    static boolean matchesEveryName(String pattern, boolean table) {
        String[] parts = pattern.split("\\.", -1);
        if (parts.length > (table ? 2 : 1)) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.indexOf('*') < 0 || !part.chars().allMatch(ch -> ch == '*' || ch == '?')) {
                return false;
            }
        }
        return true;
    }

    /** Account names are compared exactly: a wrongly cased rule then fails closed (the alert still shows). */
    static NamePattern account(String text) {
        return new NamePattern(requireText(text), false);
    }

    /**
     * Tables are case-insensitive like the sensitive-table list. A pattern without a dot names a table in any
     * database ({@code members} is {@code *.members}), except {@code *}, which is any table.
     */
    static NamePattern table(String text) {
        String trimmed = requireText(text).toLowerCase(Locale.ROOT);
        boolean bare = !trimmed.contains(".") && !trimmed.chars().allMatch(ch -> ch == '*');
        return new NamePattern(bare ? "*." + trimmed : trimmed, true);
    }

    private static String requireText(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        String trimmed = text.strip();
        if (trimmed.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("must not contain spaces: '" + trimmed + "'");
        }
        return trimmed;
    }

    boolean matches(String value) {
        return value != null && regex.matcher(value).matches();
    }

    boolean matchesEverything() {
        return matchesEverything;
    }

    @Override
    public String toString() {
        return text;
    }
}
