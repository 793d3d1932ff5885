package org.exfilguard.bench;

import org.exfilguard.cli.DetectorRunner;
import org.exfilguard.config.ExfilguardConfig;

/** A Kafka Streams application under measurement: started, checked while it runs, closed after the clock stops. */
interface BenchApp extends AutoCloseable {

    void start();

    /** Throws when the application has failed, so a measurement does not wait for a dead one. */
    void check();

    @Override
    void close();

    /** The detector's full topology, wired as {@code run} wires it. */
    static BenchApp detector(ExfilguardConfig config) {
        return new BenchApp() {
            private DetectorRunner runner;

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
        };
    }
}
