package org.exfilguard.ingest;

import java.util.Locale;

/**
 * The characters of logged text that act on a terminal instead of showing: C0 and C1 controls, DEL, and the Unicode
 * bidirectional controls that reorder what is shown (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C). An
 * attacker who controls an account name or a statement controls them. One definition for rejects' excerpts and
 * for everything the detector prints.
 */
public final class ControlCharacters {

    private ControlCharacters() {}

    /** Whether {@code cp} acts on a terminal. */
    public static boolean acts(int cp) {
        return cp < 0x20
                || cp == 0x7F
                || (cp >= 0x80 && cp <= 0x9F)
                || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069)
                || cp == 0x200E
                || cp == 0x200F
                || cp == 0x061C;
    }

    /**
     * {@code text} with every such character written as a {@code &#92;u} escape (also valid inside a JSON string),
     * stopping once {@code max} characters are written; the text itself when it has none.
     */
    public static String unicodeEscaped(String text, int max) {
        if (text.codePoints().noneMatch(ControlCharacters::acts)) {
            return text;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 16);
        text.codePoints().takeWhile(cp -> out.length() < max).forEach(cp -> {
            if (acts(cp)) {
                out.append(String.format(Locale.ROOT, "\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
