package org.exfilguard.topology;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** A read task's daily peer peaks to every partition of the peer-days topic: every read task merges every partition's. */
final class PeerDayPartitioner implements StreamPartitioner<String, byte[]> {

    @Override
    public Optional<Set<Integer>> partitions(
            String topic, String key, byte[] value, Headers headers, int numPartitions) {
        return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
    }

    /** Kafka Streams calls the variant with headers; this one (abstract, and deprecated for removal) answers the same. */
    @Override
    @Deprecated
    @SuppressWarnings("removal")
    public Optional<Set<Integer>> partitions(String topic, String key, byte[] value, int numPartitions) {
        return partitions(topic, key, value, null, numPartitions);
    }
}
