package org.exfilguard.layeringfixture.topology;

/** An adapter that a domain class must not use. */
public final class Wiring {

    public static final String TOPIC_NAME = "db-access";
}
