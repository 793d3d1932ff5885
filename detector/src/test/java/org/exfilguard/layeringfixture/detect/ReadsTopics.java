package org.exfilguard.layeringfixture.detect;

import org.exfilguard.layeringfixture.topology.Wiring;

/** A domain class that reaches up into the topology. */
public final class ReadsTopics {

    public String topic() {
        return Wiring.TOPIC_NAME.toUpperCase(java.util.Locale.ROOT);
    }

    public Wiring wiring() {
        return new Wiring();
    }
}
