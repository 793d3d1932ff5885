package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one guard every format's parser is made with ({@link LogFormat#made}): a line the parser throws on becomes a
 * reject naming the stream and the line, with the line's excerpt under the one policy of {@link Excerpt} (literals
 * masked, bounded, escaped), the parser forgets its entry and reads on; the same at the end of input.
 */
class ParserGuardTest {

    private static final String SOURCE = "logs/db-7.log";

    /** Delegates to a format's real parser, but throws on one line (and, when asked, when finishing). */
    private static final class ThrowsOn implements FormatParser {
        final FormatParser real;
        final long badLine;
        final boolean badFinish;
        long lineNo;
        int abandonedEntries;
        int abandonedAll;

        ThrowsOn(FormatParser real, long badLine, boolean badFinish) {
            this.real = real;
            this.badLine = badLine;
            this.badFinish = badFinish;
        }

        @Override
        public void accept(String line, Consumer<ParseResult> out) {
            if (++lineNo == badLine) {
                throw new IllegalStateException("a shape this parser was not written for");
            }
            real.accept(line, out);
        }

        @Override
        public void finish(Consumer<ParseResult> out) {
            if (badFinish) {
                throw new ArrayIndexOutOfBoundsException();
            }
            real.finish(out);
        }

        @Override
        public void abandonEntry() {
            abandonedEntries++;
            real.abandonEntry();
        }

        @Override
        public void abandonAll() {
            abandonedAll++;
            real.abandonAll();
        }

        @Override
        public LogFormat format() {
            return real.format();
        }
    }

    private static List<ParseResult> feed(LogParser parser, List<String> lines) {
        List<ParseResult> out = new ArrayList<>();
        for (String line : lines) {
            parser.accept(line, out::add);
        }
        parser.finish(out::add);
        return out;
    }

    private static List<ParseResult.Reject> internalErrors(List<ParseResult> results) {
        return results.stream()
                .filter(ParseResult.Reject.class::isInstance)
                .map(ParseResult.Reject.class::cast)
                .filter(r -> r.reason().startsWith("internal parser error"))
                .toList();
    }

    @ParameterizedTest
    @EnumSource(LogFormat.class)
    void aLineTheParserThrowsOnIsARejectNamingFileAndLineWithAMaskedExcerpt(LogFormat format) {
        ThrowsOn parser = new ThrowsOn(format.formatParser(SOURCE, ParserOptions.defaults()), 2, false);
        String bad = "select * from coop.members where email = 'ann@example.com'\u001b[2K\u202e" + "x".repeat(500);

        List<ParseResult> results = feed(LogFormat.made(parser, SOURCE), List.of("", bad, "", ""));

        assertThat(internalErrors(results)).singleElement().satisfies(r -> {
            assertThat(r.source()).isEqualTo(SOURCE);
            assertThat(r.line()).isEqualTo(2);
            assertThat(r.reason()).isEqualTo("internal parser error: IllegalStateException");
            assertThat(r.excerpt())
                    .startsWith("select * from coop.members where email = ?")
                    .doesNotContain("ann@example.com")
                    .hasSizeLessThanOrEqualTo(ParseResult.MAX_EXCERPT);
            assertThat(r.excerpt().codePoints()).noneMatch(cp -> cp == 0x1b || cp == 0x202e);
        });
        assertThat(parser.abandonedEntries).isEqualTo(1);
        assertThat(parser.abandonedAll).isZero();
    }

    @ParameterizedTest
    @EnumSource(LogFormat.class)
    void finishingThatThrowsIsARejectAtTheLastLine(LogFormat format) {
        ThrowsOn parser = new ThrowsOn(format.formatParser(SOURCE, ParserOptions.defaults()), -1, true);

        List<ParseResult> results = feed(LogFormat.made(parser, SOURCE), List.of("", "", ""));

        assertThat(internalErrors(results)).singleElement().satisfies(r -> {
            assertThat(r.source()).isEqualTo(SOURCE);
            assertThat(r.line()).isEqualTo(3);
            assertThat(r.reason()).isEqualTo("internal parser error: ArrayIndexOutOfBoundsException");
            assertThat(r.excerpt()).isEmpty();
        });
        assertThat(parser.abandonedAll).isEqualTo(1);
    }

    @Property(tries = 2_000)
    void everyFormatRejectsAThrowingLineWithOneBoundedEscapedExcerpt(
            @ForAll LogFormat format,
            @ForAll @StringLength(max = 600) String line,
            @ForAll @IntRange(min = 1, max = 4) int badLine) {
        List<String> lines = new ArrayList<>(List.of("", "", "", ""));
        lines.set(badLine - 1, line);
        ThrowsOn parser = new ThrowsOn(format.formatParser(SOURCE, ParserOptions.defaults()), badLine, false);

        List<ParseResult.Reject> errors = internalErrors(feed(LogFormat.made(parser, SOURCE), lines));

        assertThat(errors).singleElement().satisfies(r -> {
            assertThat(r.source()).isEqualTo(SOURCE);
            assertThat(r.line()).isEqualTo(badLine);
            assertThat(r.excerpt())
                    .isEqualTo(Excerpt.bounded(Excerpt.of(line)))
                    .hasSizeLessThanOrEqualTo(ParseResult.MAX_EXCERPT);
            assertThat(r.excerpt().codePoints())
                    .noneMatch(cp -> cp < 0x20
                            || cp == 0x7f
                            || (cp >= 0x80 && cp <= 0x9f)
                            || (cp >= 0x202a && cp <= 0x202e)
                            || (cp >= 0x2066 && cp <= 0x2069));
        });
    }
}
