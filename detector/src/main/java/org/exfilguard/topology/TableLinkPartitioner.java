package org.exfilguard.topology;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.exfilguard.schema.state.EgressUpdate;

/**
 * The table profile's messages to the read side on {@code exfil-egress-updates}: a table's decided mark to every
 * partition (each read task holds closes until it has one), a link by its account, as any record.
 */
final class TableLinkPartitioner implements StreamPartitioner<String, EgressUpdate> {

    @Override
    public Optional<Set<Integer>> partitions(
            String topic, String key, EgressUpdate value, Headers headers, int numPartitions) {
        if (value != null && value.getTableDecided()) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }
        return Optional.empty();
    }

    /** Kafka Streams calls the variant with headers; this one (abstract, and deprecated for removal) answers the same. */
    @Override
    @Deprecated
    @SuppressWarnings("removal")
    public Optional<Set<Integer>> partitions(String topic, String key, EgressUpdate value, int numPartitions) {
        return partitions(topic, key, value, null, numPartitions);
    }
}
