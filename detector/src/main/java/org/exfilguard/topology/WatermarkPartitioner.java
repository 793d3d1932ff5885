package org.exfilguard.topology;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.exfilguard.schema.state.ReadSignal;

/** The read side's watermarks to every partition of the signal topic; its signals by key, as any record. */
final class WatermarkPartitioner implements StreamPartitioner<String, ReadSignal> {

    @Override
    public Optional<Set<Integer>> partitions(
            String topic, String key, ReadSignal value, Headers headers, int numPartitions) {
        if (value != null && value.getWatermark() != null) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }
        return Optional.empty();
    }

    /** Kafka Streams calls the variant with headers; this one (abstract, and deprecated for removal) answers the same. */
    @Override
    @Deprecated
    @SuppressWarnings("removal")
    public Optional<Set<Integer>> partitions(String topic, String key, ReadSignal value, int numPartitions) {
        return partitions(topic, key, value, null, numPartitions);
    }
}
