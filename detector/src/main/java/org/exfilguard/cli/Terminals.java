package org.exfilguard.cli;

import java.io.Console;
import java.lang.reflect.Method;

/**
 * Whether the process writes to a terminal. On Java 17 {@code System.console()} is null when a stream is
 * redirected; from Java 22 on it may exist for a pipe too, and only {@code Console.isTerminal()} tells. Output
 * for a pipe, a file or a CI log gets no escape codes and no redrawn lines.
 */
public final class Terminals {

    private Terminals() {}

    public static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            // Java 17 to 21: a console exists only on a terminal.
            return true;
        }
    }
}
