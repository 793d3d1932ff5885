package org.exfilguard.incident;

import java.util.Locale;
import org.exfilguard.ingest.ControlCharacters;

/**
 * Makes text from the logs safe to print on a terminal. Account names, tables and addresses come from the
 * monitored systems, and an attacker who controls an account name controls them: {@code bob\e[2K\rroot} would
 * erase the line and show an alert for {@code root}, and a newline would forge a line of its own. Every C0 control,
 * DEL and C1 control becomes a visible escape ({@code \x1b}, {@code \n}, {@code \r}, {@code \t}), and the Unicode
 * bidirectional controls that reorder what is shown (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C)
 * become {@code &#92;u202e}. Other characters, non-Latin names included, are shown as they are.
 */
public final class ConsoleEscapes {

    private ConsoleEscapes() {}

    /** The text with every control and bidi character written as a visible escape; null stays null. */
    public static String text(CharSequence text) {
        if (text == null) {
            return null;
        }
        String s = text.toString();
        if (s.codePoints().noneMatch(ConsoleEscapes::unsafe)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        s.codePoints().forEach(cp -> {
            if (!unsafe(cp)) {
                out.appendCodePoint(cp);
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (cp == '\t') {
                out.append("\\t");
            } else if (cp <= 0xFF) {
                out.append(String.format(Locale.ROOT, "\\x%02x", cp));
            } else {
                out.append(String.format(Locale.ROOT, "\\u%04x", cp));
            }
        });
        return out.toString();
    }

    /**
     * One JSON document on one line, with the characters a JSON writer may leave raw (DEL, C1, bidi controls)
     * written as JSON {@code &#92;u} escapes: the same JSON value, harmless on a terminal. JSON writers escape C0
     * controls already; any left are escaped too.
     */
    public static String json(String json) {
        return ControlCharacters.unicodeEscaped(json, Integer.MAX_VALUE);
    }

    static boolean unsafe(int cp) {
        return ControlCharacters.acts(cp);
    }
}
