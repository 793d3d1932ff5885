package org.exfilguard.topology;

import java.util.Locale;
import org.exfilguard.serde.WireFormatException;

/** Turns a deserialisation failure into a short reason code and a message for the dead-letter headers. */
final class DecodeErrors {

    private DecodeErrors() {}

    /**
     * A registry outage says nothing about the record: dead-lettering it would lose a good event. Such failures
     * are rethrown, the stream thread stops, and exactly-once processing retries the record after a restart.
     */
    static boolean isTransient(Throwable error) {
        return error instanceof WireFormatException w && w.reason() == WireFormatException.Reason.REGISTRY_UNAVAILABLE;
    }

    static String reason(Throwable error) {
        if (error instanceof WireFormatException w) {
            return w.reason().name().toLowerCase(Locale.ROOT);
        }
        return "undecodable";
    }

    static String message(Throwable error) {
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : message;
    }
}
