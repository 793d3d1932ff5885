package org.exfilguard.ingest;

import java.util.Locale;

/**
 * The one excerpt policy of rejects. Every excerpt is {@link #bounded}: at most {@link ParseResult#MAX_EXCERPT}
 * characters with no character left that would act on a terminal (C0 and C1 controls, DEL, and the bidirectional
 * controls that reorder what is shown become {@code &#92;u} escapes); {@link ParseResult.Reject} applies it to whatever it
 * is given. Text that may hold a statement goes through {@link #of} first, which masks its literals: rejects leave the
 * parser, the member data in a statement must not.
 */
final class Excerpt {

    private Excerpt() {}

    /** {@code text} with literals masked, for a reject; empty for null. */
    static String of(String text) {
        return text == null ? "" : Fingerprint.maskForDisplay(text, ParseResult.MAX_EXCERPT);
    }

    /** {@code text} escaped and cut to {@link ParseResult#MAX_EXCERPT} characters; empty for null. */
    static String bounded(String text) {
        if (text == null) {
            return "";
        }
        String s = text;
        if (s.codePoints().anyMatch(Excerpt::acts)) {
            StringBuilder out = new StringBuilder(Math.min(s.length(), ParseResult.MAX_EXCERPT) + 16);
            s.codePoints()
                    .takeWhile(cp -> out.length() < ParseResult.MAX_EXCERPT)
                    .forEach(cp -> {
                        if (acts(cp)) {
                            out.append(String.format(Locale.ROOT, "\\u%04x", cp));
                        } else {
                            out.appendCodePoint(cp);
                        }
                    });
            s = out.toString();
        }
        return s.length() <= ParseResult.MAX_EXCERPT ? s : s.substring(0, ParseResult.MAX_EXCERPT);
    }

    private static boolean acts(int cp) {
        return cp < 0x20
                || cp == 0x7F
                || (cp >= 0x80 && cp <= 0x9F)
                || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069)
                || cp == 0x200E
                || cp == 0x200F
                || cp == 0x061C;
    }
}
