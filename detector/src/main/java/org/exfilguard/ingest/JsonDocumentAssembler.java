package org.exfilguard.ingest;

/**
 * Assembles JSON documents that span lines (pretty-printed files) by tracking brace depth outside strings, bounded
 * by a maximum size. One instance per stream.
 *
 * <p>A torn document (a record missing its closing brackets) must not swallow the records after it while the depth
 * waits for brackets that never come. JSON strings cannot hold a raw line break, and inside a document an object can
 * only follow {@code :} in an object or {@code [} or {@code ,} in an array; so a line that opens an object while the
 * document so far is inside a string, or where no value may come, starts the next record. The torn one is reported through {@link #takeTorn()}.
 */
final class JsonDocumentAssembler {

    private final int maxChars;
    private final StringBuilder buffer = new StringBuilder();
    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean overflow;
    private long startLine;
    private char lastToken;
    /** Bit {@code d} set when the container at depth {@code d + 1} is an array. */
    private final java.util.BitSet arrays = new java.util.BitSet();

    private long tornLine = -1;
    private String tornExcerpt = "";

    JsonDocumentAssembler(int maxChars) {
        this.maxChars = maxChars;
    }

    /** Result of feeding one line. */
    enum Status {
        NOTHING,
        INCOMPLETE,
        COMPLETE,
        OVERFLOW,
        STRAY
    }

    boolean inProgress() {
        return depth > 0;
    }

    long startLine() {
        return startLine;
    }

    /**
     * The start line of a document found torn by the last {@link #feed}, or -1; cleared by the call. Its excerpt is
     * {@link #tornExcerpt()}.
     */
    long takeTorn() {
        long t = tornLine;
        tornLine = -1;
        return t;
    }

    String tornExcerpt() {
        return tornExcerpt;
    }

    Status feed(String line, long lineNo) {
        if (depth > 0 && line.length() <= maxChars && startsNextRecord(line)) {
            tornLine = startLine;
            tornExcerpt = pendingExcerpt();
            reset();
        }
        if (line.length() > maxChars) {
            // The line reader cut it: its braces cannot be counted, so the document ends here rather than
            // swallowing the documents after it while waiting for a closing brace that was discarded.
            if (depth == 0) {
                startLine = lineNo;
            }
            reset();
            return Status.OVERFLOW;
        }
        if (depth == 0) {
            String t = line.strip();
            if (t.isEmpty() || t.equals(",")) {
                return Status.NOTHING;
            }
            if (t.charAt(0) != '{' && t.charAt(0) != '[') {
                return Status.STRAY;
            }
            buffer.setLength(0);
            if (buffer.capacity() > 1 << 20) {
                buffer.trimToSize();
            }
            overflow = false;
            inString = false;
            escaped = false;
            lastToken = 0;
            startLine = lineNo;
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                lastToken = c;
            } else if (c == '{' || c == '[') {
                if (depth >= 0) {
                    arrays.set(depth, c == '[');
                }
                depth++;
                lastToken = c;
            } else if (c == '}' || c == ']') {
                depth--;
                lastToken = c;
            } else if (c > ' ') {
                lastToken = c;
            }
        }
        if (!overflow) {
            if (buffer.length() + line.length() + 1 > maxChars) {
                overflow = true;
                buffer.setLength(0);
                buffer.trimToSize();
            } else {
                buffer.append(line).append('\n');
            }
        }
        if (depth <= 0) {
            depth = 0;
            return overflow ? Status.OVERFLOW : Status.COMPLETE;
        }
        return Status.INCOMPLETE;
    }

    /** True when {@code line} opens an object where the document in progress cannot take one. */
    private boolean startsNextRecord(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) <= ' ') {
            i++;
        }
        if (i == line.length() || line.charAt(i) != '{') {
            return false;
        }
        if (inString) {
            return true;
        }
        boolean inArray = arrays.get(depth - 1);
        return inArray ? lastToken != '[' && lastToken != ',' : lastToken != ':';
    }

    /** The completed document (valid after {@link Status#COMPLETE}). */
    String document() {
        String s = buffer.toString();
        int end = s.length();
        // A trailing comma after the closing brace (concatenated records) is not part of the document.
        while (end > 0 && (s.charAt(end - 1) <= ' ' || s.charAt(end - 1) == ',')) {
            end--;
        }
        return s.substring(0, end);
    }

    String pendingExcerpt() {
        return buffer.length() > 200 ? buffer.substring(0, 200) : buffer.toString();
    }

    void reset() {
        depth = 0;
        arrays.clear();
        inString = false;
        escaped = false;
        buffer.setLength(0);
    }
}
