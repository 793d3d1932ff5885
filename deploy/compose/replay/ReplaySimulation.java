// One-shot replay of the simulated demo workload (a fortnight of database reads with one member-table
// extraction on the last day) into a running Kafka cluster, so the compose stack shows alerts.
// Runs with the JDK's source launcher against the shipped jar:
//   java -cp exfilguard.jar ReplaySimulation.java BOOTSTRAP REGISTRY_URL [DB_ACCESS_TOPIC] [EGRESS_TOPIC]
// DeployManifestsTest compiles this file against the detector's classes, so it cannot drift from their API.

import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.serde.SchemaRegistryClient;
import org.exfilguard.sim.SimulationSpec;
import org.exfilguard.sim.WorkloadSimulator;

public class ReplaySimulation {

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: ReplaySimulation BOOTSTRAP REGISTRY_URL [DB_ACCESS_TOPIC] [EGRESS_TOPIC]");
            System.exit(64);
        }
        String bootstrap = args[0];
        String dbTopic = args.length > 2 ? args[2] : "db-access";
        String egressTopic = args.length > 3 ? args[3] : "egress";
        SchemaRegistryClient registry = new RestSchemaRegistryClient(java.util.Map.of("schema.registry.url", args[1]));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        WorkloadSimulator simulator = new WorkloadSimulator(SimulationSpec.demo());
        AtomicLong db = new AtomicLong();
        AtomicLong egress = new AtomicLong();
        try (KafkaProducer<String, DbAccessEvent> dbProducer = new KafkaProducer<>(props, new StringSerializer(),
                     AvroSerde.of(DbAccessEvent.class, registry, false).serializer());
             KafkaProducer<String, EgressEvent> egressProducer = new KafkaProducer<>(props, new StringSerializer(),
                     AvroSerde.of(EgressEvent.class, registry, false).serializer())) {
            // Keyed and stamped as the detector expects: db-access by account, egress by source ip, event time.
            simulator.forEach(
                    event -> {
                        dbProducer.send(new ProducerRecord<>(dbTopic, null, event.getEventTime().toEpochMilli(),
                                event.getAccount(), event));
                        db.incrementAndGet();
                    },
                    event -> {
                        egressProducer.send(new ProducerRecord<>(egressTopic, null, event.getEventTime().toEpochMilli(),
                                event.getSrcIp(), event));
                        egress.incrementAndGet();
                    });
        }
        System.out.printf("replayed %,d database events to %s and %,d egress events to %s; injected: %s%n",
                db.get(), dbTopic, egress.get(), egressTopic, simulator.truth());
    }
}
