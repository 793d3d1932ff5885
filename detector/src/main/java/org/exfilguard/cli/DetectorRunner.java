package org.exfilguard.cli;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.config.StreamsSettings;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.metrics.HealthStatus;
import org.exfilguard.metrics.MetricsServer;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.serde.SchemaRegistryClient;
import org.exfilguard.suppress.AllowListException;
import org.exfilguard.suppress.AllowListSource;
import org.exfilguard.topology.DetectorSerdes;
import org.exfilguard.topology.DetectorTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires configuration, topology and {@link KafkaStreams} together for {@code run}, {@code demo} and
 * {@code backtest}: one topology built once and described once, the metrics endpoint, an uncaught-exception
 * handler and a close with a timeout.
 */
public final class DetectorRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DetectorRunner.class);

    private final ExfilguardConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DetectorMetrics metrics = new DetectorMetrics(registry);
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private MetricsServer metricsServer;
    private volatile Throwable fatal;
    private StallWatch stallWatch;
    private AllowListSource allowList;

    public DetectorRunner(ExfilguardConfig config) {
        this.config = config;
    }

    public DetectorRunner start() {
        SchemaRegistryClient client = new RestSchemaRegistryClient(config.registryClientConfig());
        boolean autoRegister = config.getBoolean(ExfilguardConfig.AUTO_REGISTER_SCHEMAS);
        DetectorSerdes serdes = new DetectorSerdes(
                AvroSerde.of(DbAccessEvent.class, client, false, autoRegister),
                AvroSerde.of(EgressEvent.class, client, false, autoRegister),
                AvroSerde.of(ExfiltrationAlert.class, client, false, autoRegister));
        java.util.Optional<org.exfilguard.topology.NormaliserSettings> normaliser =
                config.getBoolean(ExfilguardConfig.RAW_NORMALISE)
                        ? java.util.Optional.of(config.normaliserSettings())
                        : java.util.Optional.empty();
        allowList = allowList(config);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "exfil.allowlist.reloads", allowList, AllowListSource::reloads)
                .description("Allow-list file reloads")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "exfil.allowlist.failed.reloads", allowList, AllowListSource::failedReloads)
                .description("Allow-list edits refused as invalid (the previous list stays in force)")
                .register(registry);
        Properties props = StreamsSettings.of(config);
        props.put(org.exfilguard.topology.DeadLetterProductionHandler.METRICS, metrics);
        int readPartitions;
        try (Admin admin = Admin.create(StreamsSettings.adminProperties(props))) {
            InternalTopics.ensure(admin, config.topics(), normaliser.isPresent());
            // The egress side waits for a watermark from each read task: one per db-access partition.
            readPartitions = admin.describeTopics(List.of(config.topics().dbAccess()))
                    .allTopicNames()
                    .get()
                    .get(config.topics().dbAccess())
                    .partitions()
                    .size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating internal topics", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(
                    "cannot describe topic " + config.topics().dbAccess() + ": "
                            + e.getCause().getMessage(),
                    e);
        }
        Topology topology = DetectorTopology.build(
                config.detectionSettings(),
                config.egressSettings(),
                new org.exfilguard.topology.TopicRegistry(config.topics(), serdes),
                metrics,
                VersionProvider.version(),
                Clock.systemUTC(),
                allowList,
                normaliser,
                config.profileCacheBytes(),
                config.profileWriteCacheBytes() > 0,
                config.correlation(readPartitions),
                config.driftSettings(),
                config.weakReadSettings(),
                config.peerGroups());
        log.info("exfilguard {} configuration:\n{}", VersionProvider.version(), config.describe());
        log.info("topology:\n{}", topology.describe());

        streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(error -> {
            // Exactly-once makes a restart safe; the orchestrator (or the command) restarts the process.
            log.error("stream thread failed; shutting the detector down", error);
            fatal = error;
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        stallWatch = new StallWatch(
                Duration.ofSeconds(config.getInt(ExfilguardConfig.STALL_TIMEOUT_SECONDS)), System.currentTimeMillis());
        streams.setGlobalStateRestoreListener(stallWatch);
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        int port = config.getInt(ExfilguardConfig.METRICS_PORT);
        if (port >= 0) {
            metricsServer = MetricsServer.builder(registry)
                    .host(config.getString(ExfilguardConfig.METRICS_HOST))
                    .port(port)
                    .bearerToken(config.metricsToken())
                    .health(this::health)
                    .start();
            log.info(
                    "metrics on http://{}:{}/metrics",
                    config.getString(ExfilguardConfig.METRICS_HOST),
                    metricsServer.port());
        }
        streams.start();
        return this;
    }

    static AllowListSource allowList(ExfilguardConfig config) {
        String file = config.getString(ExfilguardConfig.ALLOWLIST_FILE);
        if (file == null || file.isBlank()) {
            return AllowListSource.none();
        }
        try {
            return AllowListSource.watch(
                    Path.of(file), Duration.ofSeconds(config.getInt(ExfilguardConfig.ALLOWLIST_CHECK_SECONDS)));
        } catch (AllowListException e) {
            throw new IllegalArgumentException("allow-list " + file + ": " + e.getMessage(), e);
        }
    }

    /** Waits until the streams client is RUNNING (or fails). */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (fatal != null
                    || streams.state() == KafkaStreams.State.ERROR
                    || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("the detector stopped while starting: " + streams.state(), fatal);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(
                        "the detector did not reach RUNNING within " + timeout + " (state " + streams.state() + ")");
            }
            Thread.sleep(50);
        }
    }

    HealthStatus health() {
        KafkaStreams.State state = streams == null ? KafkaStreams.State.CREATED : streams.state();
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING
                ? HealthStatus.up()
                : HealthStatus.down("kafka streams state " + state);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public Throwable failure() {
        return fatal;
    }

    /** Why the detector is alive but stalled, once it has been so longer than {@code stall.timeout.seconds}. */
    public java.util.Optional<String> stalled() {
        return streams == null ? java.util.Optional.empty() : stallWatch.check(streams, System.currentTimeMillis());
    }

    public DetectorMetrics metrics() {
        return metrics;
    }

    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    @Override
    public void close() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (allowList != null) {
            allowList.close();
        }
    }
}
