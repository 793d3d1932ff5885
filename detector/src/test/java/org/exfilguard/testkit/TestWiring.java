package org.exfilguard.testkit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.exfilguard.config.DetectorWiringFactory;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.topology.DetectorSerdes;
import org.exfilguard.topology.DetectorWiring;
import org.exfilguard.topology.TopicRegistry;

/**
 * The detector's wiring from a configuration, with schema-less Avro serdes on the configured topics, metrics on a
 * {@link SimpleMeterRegistry} and version "test": for tests that build the topology or a processor without a
 * registry.
 */
public final class TestWiring {

    private TestWiring() {}

    public static DetectorWiring.Builder of(ExfilguardConfig config) {
        return DetectorWiringFactory.from(config)
                .topics(new TopicRegistry(
                        config.topics(),
                        new DetectorSerdes(
                                new AvroSerde<>(DbAccessEvent.class),
                                new AvroSerde<>(EgressEvent.class),
                                new AvroSerde<>(ExfiltrationAlert.class))))
                .metrics(new DetectorMetrics(new SimpleMeterRegistry()))
                .detectorVersion("test");
    }

    /** The default configuration's wiring. */
    public static DetectorWiring.Builder defaults() {
        return of(new ExfilguardConfig(Map.of()));
    }
}
