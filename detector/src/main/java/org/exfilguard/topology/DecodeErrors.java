package org.exfilguard.topology;

import java.lang.reflect.Method;

/** Turns a deserialisation failure into a short reason code and a message for the dead-letter headers. */
final class DecodeErrors {

    private DecodeErrors() {
    }

    static String reason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            try {
                Method reason = t.getClass().getMethod("reason");
                Object value = reason.invoke(t);
                if (value != null) {
                    return value.toString();
                }
            } catch (ReflectiveOperationException notAReasonedError) {
                // fall through to the cause
            }
        }
        return "undecodable";
    }

    static String message(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
