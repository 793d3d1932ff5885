package org.exfilguard.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;

/**
 * The reading shared by the formats whose entries are JSON documents, one per line or pretty-printed over many:
 * documents assembled across lines ({@link JsonDocumentAssembler}), resynchronised at the next document when one is
 * torn, held to the entry size, and parsed; a subclass turns each parsed document into results. {@code noun} names an
 * entry in rejects ({@code document}, {@code record}).
 */
abstract class JsonDocumentParser implements FormatParser {

    final String source;
    final ParserOptions options;
    final DbEventFactory events;
    private final LogFormat format;
    private final String noun;
    private final JsonDocumentAssembler assembler;
    private long lineNo;

    JsonDocumentParser(String source, ParserOptions options, LogFormat format, String noun) {
        this.source = source;
        this.options = options;
        this.format = format;
        this.noun = noun;
        this.events = new DbEventFactory(options, format);
        this.assembler = new JsonDocumentAssembler(options.maxEntryChars());
    }

    /** One parsed document that began at {@code line}; {@code json} is its text, for excerpts. */
    abstract void document(JsonNode root, String json, long line, Consumer<ParseResult> out);

    /** Whether a line between documents is framing to pass over (the brackets of a JSON array form). */
    boolean framing(String stripped) {
        return false;
    }

    @Override
    public final LogFormat format() {
        return format;
    }

    @Override
    public final void accept(String line, Consumer<ParseResult> out) {
        lineNo++;
        if (!assembler.inProgress() && framing(line.strip())) {
            return;
        }
        JsonDocumentAssembler.Status status = assembler.feed(line, lineNo);
        long torn = assembler.takeTorn();
        if (torn > 0) {
            // Reported at the line where it began; the document that showed it torn is read as usual.
            out.accept(new ParseResult.Reject(
                    source,
                    torn,
                    "unterminated JSON " + noun + " (the next one began before it closed)",
                    Excerpt.of(assembler.tornExcerpt())));
        }
        switch (status) {
            case COMPLETE -> parse(assembler.document(), assembler.startLine(), out);
            case OVERFLOW ->
                out.accept(new ParseResult.Reject(
                        source, assembler.startLine(), "entry exceeds " + options.maxEntryChars() + " characters", ""));
            case STRAY ->
                out.accept(new ParseResult.Reject(source, lineNo, "text outside a JSON " + noun, Excerpt.of(line)));
            default -> {}
        }
    }

    private void parse(String json, long line, Consumer<ParseResult> out) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (Exception e) {
            out.accept(new ParseResult.Reject(source, line, Json.malformed(e), Excerpt.of(json)));
            return;
        }
        document(root, json, line, out);
    }

    @Override
    public final void finish(Consumer<ParseResult> out) {
        if (assembler.inProgress()) {
            out.accept(new ParseResult.Reject(
                    source,
                    assembler.startLine(),
                    "truncated JSON " + noun + " at end of input",
                    Excerpt.of(assembler.pendingExcerpt())));
            assembler.reset();
        }
    }

    @Override
    public final void abandonEntry() {
        assembler.reset();
    }
}
