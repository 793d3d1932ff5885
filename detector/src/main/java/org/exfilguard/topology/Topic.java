package org.exfilguard.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.Topology;

/**
 * A topic with the serdes of its keys and values, so a source or sink cannot pair a name with the wrong serde
 * (kafka-streams-examples' {@code Schemas.Topic}).
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    /** Adds a sink writing this topic with its serdes. */
    void addSink(Topology topology, String sinkName, String... parents) {
        topology.addSink(sinkName, name, keySerde.serializer(), valueSerde.serializer(), parents);
    }

    /** Adds a sink writing this topic with its serdes, to the partitions {@code partitioner} chooses. */
    void addSink(
            Topology topology,
            String sinkName,
            org.apache.kafka.streams.processor.StreamPartitioner<K, V> partitioner,
            String... parents) {
        topology.addSink(sinkName, name, keySerde.serializer(), valueSerde.serializer(), partitioner, parents);
    }

    /** Adds a source reading this topic with its serdes. */
    void addSource(Topology topology, String sourceName) {
        topology.addSource(sourceName, keySerde.deserializer(), valueSerde.deserializer(), name);
    }
}
