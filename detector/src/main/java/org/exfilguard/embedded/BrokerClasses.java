package org.exfilguard.embedded;

/**
 * Whether this build carries the Kafka broker. {@code exfilguard.jar} does (demo, backtest and bench start one);
 * {@code exfilguard-runtime.jar}, the jar production images run, leaves the broker and Scala out, so a CVE scanner
 * does not flag broker advisories on a detector that never runs one. This class names no broker type itself.
 */
public final class BrokerClasses {

    static final String BROKER_CLASS = "kafka.server.KafkaRaftServer";

    private BrokerClasses() {}

    public static boolean present() {
        try {
            Class.forName(BROKER_CLASS, false, BrokerClasses.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
