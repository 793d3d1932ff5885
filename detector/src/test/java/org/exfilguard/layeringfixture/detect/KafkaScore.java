package org.exfilguard.layeringfixture.detect;

import org.apache.kafka.common.utils.Bytes;

/** A domain class with a Kafka type in its signature. */
public final class KafkaScore {

    public double score(Bytes key) {
        return key.get().length;
    }
}
