package org.exfilguard.topology;

/**
 * The end of a finite input (a backtest): a record with header {@value #HEADER} on every partition of the
 * canonical topics, after the last event. The read side then sends its last watermark and the egress side judges
 * every watch the read side has closed, so the last incidents' closing records are published with their evidence.
 */
public final class EndOfInput implements ReadInput {

    public static final String HEADER = "exfilguard-end-of-input";
    static final EndOfInput INSTANCE = new EndOfInput();

    private EndOfInput() {}

    @Override
    public void dispatch(Handler handler) {
        handler.onEnd();
    }

    /** The headers that mark a record as the end of its partition's input (its key and value are not read). */
    public static org.apache.kafka.common.header.Headers headers() {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(HEADER, new byte[0]);
        return headers;
    }

    static boolean marks(org.apache.kafka.common.header.Headers headers) {
        return headers != null && headers.lastHeader(HEADER) != null;
    }
}
