package org.exfilguard.suppress;

/** An allow-list that cannot be used; the message names the file, rule and field at fault. */
public final class AllowListException extends Exception {
    private static final long serialVersionUID = 1L;

    public AllowListException(String message) {
        super(message);
    }

    public AllowListException(String message, Throwable cause) {
        super(message, cause);
    }
}
