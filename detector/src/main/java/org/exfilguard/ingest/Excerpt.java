package org.exfilguard.ingest;

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
        String s = ControlCharacters.unicodeEscaped(text, ParseResult.MAX_EXCERPT);
        return s.length() <= ParseResult.MAX_EXCERPT ? s : s.substring(0, ParseResult.MAX_EXCERPT);
    }
}
