package org.exfilguard.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM.
 *
 * <p>Used by {@code demo}, {@code backtest} and the integration tests. It binds only to 127.0.0.1, on ephemeral
 * ports unless told otherwise, and is configured for one replica so that transactions and Kafka Streams with
 * {@code exactly_once_v2} work. Topic retention is left at the broker default (7 days by record timestamp):
 * replays of older events must create their topics with a retention covering the data, see
 * {@link #createTopic(String, int, Map)}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String LOOPBACK = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, String> brokerOverrides;
    private final Optional<Path> requestedDataDir;
    private final int requestedPort;
    private final int requestedControllerPort;
    private final Duration shutdownTimeout;
    private final Optional<SaslSslListener> saslSsl;

    private Path dataDir;
    private boolean ownsDataDir;
    private int port;
    private KafkaRaftServer server;
    private Admin admin;
    private Duration startupTime;

    private EmbeddedKafka(Builder builder) {
        this.brokerOverrides = Map.copyOf(builder.brokerOverrides);
        this.requestedDataDir = Optional.ofNullable(builder.dataDir);
        this.requestedPort = builder.port;
        this.requestedControllerPort = builder.controllerPort;
        this.shutdownTimeout = builder.shutdownTimeout;
        this.saslSsl = Optional.ofNullable(builder.saslSsl);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Formats storage (unless the data directory already holds a formatted broker) and starts the broker. */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            throw new IllegalStateException("broker already started");
        }
        // A free port found by probing can be taken before the broker binds it; with ephemeral ports, try again.
        int attempts = requestedPort == 0 && requestedControllerPort == 0 ? 3 : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce();
            } catch (IllegalStateException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                log.warn(
                        "Embedded Kafka broker failed to start (attempt {} of {}), retrying: {}",
                        attempt,
                        attempts,
                        e.getCause() == null ? e.toString() : e.getCause().toString());
            }
        }
    }

    private EmbeddedKafka startOnce() {
        Instant began = Instant.now();
        try {
            prepareDataDir();
            port = requestedPort > 0 ? requestedPort : freePort();
            int controllerPort = requestedControllerPort > 0 ? requestedControllerPort : freePort();
            saslSsl.ifPresent(listener -> listener.prepare(dataDir));
            KafkaConfig config = KafkaConfig.fromProps(toProperties(brokerConfig(controllerPort)), false);
            format(config);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            awaitReady();
        } catch (RuntimeException | IOException e) {
            Path failedDir = dataDir;
            closeQuietly();
            throw new IllegalStateException("embedded Kafka broker failed to start in " + failedDir, e);
        }
        startupTime = Duration.between(began, Instant.now());
        log.info("Embedded Kafka broker ready at {} in {} ms", bootstrapServers(), startupTime.toMillis());
        return this;
    }

    /** {@code host:port} of the plaintext listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        requireStarted();
        return LOOPBACK + ":" + port;
    }

    /**
     * Client settings that reach the SASL_SSL listener (bootstrap, security protocol, SCRAM login and the
     * trusted self-signed certificate). Only present when the builder asked for {@link Builder#saslSsl}.
     */
    public Optional<Map<String, Object>> saslSslClientConfig() {
        requireStarted();
        return saslSsl.map(SaslSslListener::clientConfig);
    }

    /** The plaintext port the broker listens on. */
    public int port() {
        requireStarted();
        return port;
    }

    /** The directory holding the broker's logs and metadata. */
    public Path dataDir() {
        requireStarted();
        return dataDir;
    }

    /** How long {@link #start()} took, from formatting storage to a broker that answers metadata requests. */
    public Duration startupTime() {
        requireStarted();
        return startupTime;
    }

    /**
     * Creates a topic with one replica and the given topic configs (e.g. {@code retention.ms}); an existing
     * topic of that name is left as it is.
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        createTopics(new NewTopic(name, partitions, (short) 1).configs(Map.copyOf(configs)));
    }

    /** Creates the topics and waits until the broker has them; topics that already exist are left as they are. */
    public void createTopics(NewTopic... topics) {
        Admin client = admin();
        var result = client.createTopics(Arrays.asList(topics));
        for (var entry : result.values().entrySet()) {
            try {
                entry.getValue().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + entry.getKey(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + entry.getKey(), e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out creating topic " + entry.getKey(), e);
            }
        }
    }

    /** An admin client on the plaintext listener, owned by this broker and closed with it. */
    public synchronized Admin admin() {
        requireStarted();
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
        }
        return admin;
    }

    /** Shuts the broker down cleanly (bounded by the builder's shutdown timeout) and deletes its temp directory. */
    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        if (server != null) {
            shutdown(server);
            server = null;
        }
        if (ownsDataDir && dataDir != null) {
            deleteRecursively(dataDir);
            dataDir = null;
        }
    }

    private void shutdown(KafkaRaftServer raftServer) {
        // Shutdown blocks on the broker's own threads; a wedged broker must not hang the caller forever.
        Thread stopper = new Thread(
                () -> {
                    raftServer.shutdown();
                    raftServer.awaitShutdown();
                },
                "embedded-kafka-shutdown");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(shutdownTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            log.warn("Embedded Kafka broker did not shut down within {}", shutdownTimeout);
        }
    }

    private void prepareDataDir() throws IOException {
        if (requestedDataDir.isPresent()) {
            dataDir = Files.createDirectories(requestedDataDir.get());
            ownsDataDir = false;
        } else {
            dataDir = Files.createTempDirectory("exfilguard-kafka-");
            ownsDataDir = true;
        }
    }

    private Map<String, String> brokerConfig(int controllerPort) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        // A static one-voter quorum: nothing about the controller endpoint is persisted, so a restart on the
        // same data directory may use a different controller port.
        props.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        String listeners = BROKER_LISTENER + "://" + LOOPBACK + ":" + port + "," + CONTROLLER_LISTENER + "://"
                + LOOPBACK + ":" + controllerPort;
        String advertised = BROKER_LISTENER + "://" + LOOPBACK + ":" + port;
        String protocols = BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT";
        if (saslSsl.isPresent()) {
            SaslSslListener sasl = saslSsl.get();
            listeners += "," + sasl.listenerSpec();
            advertised += "," + sasl.listenerSpec();
            protocols += "," + SaslSslListener.NAME + ":SASL_SSL";
            props.putAll(sasl.brokerConfig());
        }
        props.put("listeners", listeners);
        props.put("advertised.listeners", advertised);
        props.put("listener.security.protocol.map", protocols);
        props.put("log.dirs", dataDir.resolve("logs").toString());

        // One replica: internal topics must not wait for replicas that will never exist.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        // A single test or demo consumer group should not sit out the default 3 s join delay.
        props.put("group.initial.rebalance.delay.ms", "0");
        // After a crash the controller refuses the restarted broker until the old session expires (default 9 s);
        // a broker heartbeating to itself on loopback can afford a shorter session.
        props.put("broker.heartbeat.interval.ms", "1000");
        props.put("broker.session.timeout.ms", "4000");
        props.putAll(brokerOverrides);
        return props;
    }

    private void format(KafkaConfig config) {
        if (isFormatted(config)) {
            // A restart on a kept data directory keeps its cluster id, SCRAM users and data as they are.
            log.debug("Kafka storage in {} is already formatted", dataDir);
            return;
        }
        // The formatter writes progress to a PrintStream; keep it off the console and hand it to slf4j instead.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
                .setNodeId(NODE_ID)
                .setClusterId(org.apache.kafka.common.Uuid.randomUuid().toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(config.metadataLogDir())
                .setDirectories(config.logDirs());
        saslSsl.ifPresent(listener -> formatter.setScramArguments(listener.scramArguments()));
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "formatting Kafka storage failed: " + output.toString(StandardCharsets.UTF_8), e);
        }
        log.debug(
                "Kafka storage format: {}",
                output.toString(StandardCharsets.UTF_8).strip());
    }

    private static boolean isFormatted(KafkaConfig config) {
        return Files.exists(Path.of(config.metadataLogDir(), "meta.properties"));
    }

    private void awaitReady() {
        // The broker is usable once it answers a metadata request with itself in the cluster.
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        Admin client = admin();
        while (true) {
            try {
                if (!client.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("broker did not become ready within " + READY_TIMEOUT, e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the broker", e);
            }
            sleep(Duration.ofMillis(50));
        }
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("broker not started");
        }
    }

    /** An ephemeral loopback port that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + LOOPBACK, e);
        }
    }

    private static Properties toProperties(Map<String, String> map) {
        Properties properties = new Properties();
        properties.putAll(map);
        return properties;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void deleteRecursively(Path root) {
        try (var paths = Files.walk(root)) {
            List<Path> deepestFirst =
                    paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
            for (Path path : deepestFirst) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("Could not delete embedded Kafka directory {}: {}", root, e.toString());
        }
    }

    /** Configures an {@link EmbeddedKafka}; every setting has a working default. */
    public static final class Builder {
        private final Map<String, String> brokerOverrides = new LinkedHashMap<>();
        private Path dataDir;
        private int port;
        private int controllerPort;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private SaslSslListener saslSsl;

        private Builder() {}

        /** Sets or overrides any broker property, e.g. {@code log.retention.ms}; applied last. */
        public Builder brokerProperty(String key, String value) {
            brokerOverrides.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /** Keeps data in this directory (not deleted on close, reused on restart) instead of a fresh temp dir. */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir);
            return this;
        }

        /** The plaintext listener port; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = requirePort(port);
            return this;
        }

        /** The controller listener port; 0 (default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = requirePort(port);
            return this;
        }

        /** How long {@link EmbeddedKafka#close()} waits for a clean shutdown. */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * Adds a SASL_SSL listener on a free port with SCRAM-SHA-512 for one user and a self-signed certificate
         * for 127.0.0.1 (generated with the JDK's keytool). Clients find their settings in
         * {@link EmbeddedKafka#saslSslClientConfig()}.
         */
        public Builder saslSsl(String username, String password) {
            this.saslSsl = new SaslSslListener(username, password);
            return this;
        }

        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }

        private static int requirePort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        }
    }
}
