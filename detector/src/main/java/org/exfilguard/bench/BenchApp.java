package org.exfilguard.bench;

/**
 * A Kafka Streams application under measurement: started, checked while it runs, closed after the clock stops. The
 * detector itself comes from the caller ({@link BenchOptions#detector()}), wired as {@code run} wires it.
 */
public interface BenchApp extends AutoCloseable {

    void start();

    /** Throws when the application has failed, so a measurement does not wait for a dead one. */
    void check();

    @Override
    void close();
}
