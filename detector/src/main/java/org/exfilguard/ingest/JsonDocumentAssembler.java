package org.exfilguard.ingest;

/**
 * Assembles JSON documents that span lines (pretty-printed files) by tracking brace depth outside strings, bounded
 * by a maximum size. One instance per stream.
 */
final class JsonDocumentAssembler {

    private final int maxChars;
    private final StringBuilder buffer = new StringBuilder();
    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean overflow;
    private long startLine;

    JsonDocumentAssembler(int maxChars) {
        this.maxChars = maxChars;
    }

    /** Result of feeding one line. */
    enum Status { NOTHING, INCOMPLETE, COMPLETE, OVERFLOW, STRAY }

    boolean inProgress() {
        return depth > 0;
    }

    long startLine() {
        return startLine;
    }

    Status feed(String line, long lineNo) {
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
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
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
        buffer.setLength(0);
    }
}
