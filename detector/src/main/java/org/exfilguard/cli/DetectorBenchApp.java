package org.exfilguard.cli;

import org.exfilguard.bench.BenchApp;
import org.exfilguard.config.ExfilguardConfig;

/** The detector's full topology under measurement by {@code bench}, wired as {@code run} wires it. */
public final class DetectorBenchApp implements BenchApp {

    private final ExfilguardConfig config;
    private DetectorRunner runner;

    public DetectorBenchApp(ExfilguardConfig config) {
        this.config = config;
    }

    @Override
    public void start() {
        runner = new DetectorRunner(config).start();
    }

    @Override
    public void check() {
        if (runner.failure() != null) {
            throw new IllegalStateException("the detector failed", runner.failure());
        }
        String state = runner.state().name();
        if (state.equals("ERROR") || state.equals("PENDING_ERROR")) {
            throw new IllegalStateException("the detector failed: " + state);
        }
    }

    @Override
    public void close() {
        if (runner != null) {
            runner.close();
        }
    }
}
