package org.exfilguard.layeringfixture.bench;

import org.exfilguard.layeringfixture.cli.Command;

/** A benchmark that reaches back into the command line: a layering violation and a package cycle. */
public final class Bench {

    public int run(Command command) {
        return command.name().length();
    }
}
