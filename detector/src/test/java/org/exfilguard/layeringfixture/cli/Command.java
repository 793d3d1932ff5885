package org.exfilguard.layeringfixture.cli;

import org.exfilguard.layeringfixture.bench.Bench;

/** A command that runs a benchmark: allowed, the command line is on top. */
public final class Command {

    public int call() {
        return new Bench().run(new Command());
    }

    public String name() {
        return "bench";
    }
}
