package org.exfilguard.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scrape endpoint: {@code GET /metrics} (Prometheus text format) and {@code GET /health} (JSON, 200 or 503).
 *
 * <p>Binds to 127.0.0.1 unless told otherwise, so exposing metrics beyond the host is a deliberate choice. With a
 * bearer token configured, {@code /metrics} requires {@code Authorization: Bearer <token>}; {@code /health} stays
 * open for liveness probes. The token is never logged.
 *
 * <p>Served by Jetty's core server, which reads requests without a thread: a connection that trickles its
 * headers (slowloris) holds a socket, not a worker, so {@code /health} answers a liveness probe however many such
 * connections are open; the JDK's HttpServer read each request on one of a fixed pool of workers with no read
 * timeout, and two slow connections took both. A connection idle for {@link #IDLE_TIMEOUT} is closed, and
 * request headers are bounded by Jetty's default size (8 KiB).
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String JSON = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A connection that sends nothing for this long is closed. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
    /** Workers that run handlers; only complete requests reach them, and each is answered in milliseconds. */
    static final int MAX_THREADS = 8;

    private final PrometheusMeterRegistry registry;
    private final Supplier<HealthStatus> health;
    private final Optional<byte[]> tokenDigest;
    private final Server server;
    private final ServerConnector connector;

    private MetricsServer(Builder builder) throws Exception {
        this.registry = builder.registry;
        this.health = builder.health;
        this.tokenDigest = builder.bearerToken.map(MetricsServer::sha256);
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("metrics-http");
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // One acceptor and one selector: the selector parses what arrives on every connection without blocking.
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(InetAddress.getByName(builder.host).getHostAddress());
        connector.setPort(builder.port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                MetricsServer.this.handle(request, response, callback);
                return true;
            }
        });
        server.setStopAtShutdown(false);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        log.info(
                "Metrics endpoint listening on {} (bearer token {})",
                address(),
                tokenDigest.isPresent() ? "required" : "not required");
    }

    /** A builder serving the given registry; health defaults to always UP. */
    public static Builder builder(PrometheusMeterRegistry registry) {
        return new Builder(registry);
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        try {
            return new InetSocketAddress(InetAddress.getByName(connector.getHost()), port());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the bound host is a literal address", e);
        }
    }

    @Override
    public void close() {
        // Requests in flight are cut off; a scrape is cheap to retry.
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("Metrics endpoint did not stop cleanly", e);
        }
    }

    private void handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        try {
            boolean known = "/metrics".equals(path) || "/health".equals(path);
            if (!known) {
                respond(response, callback, 404, "text/plain; charset=utf-8", "not found\n");
            } else if (!"GET".equals(request.getMethod())) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET");
                respond(response, callback, 405, "text/plain; charset=utf-8", "method not allowed\n");
            } else if ("/health".equals(path)) {
                serveHealth(response, callback);
            } else if (!authorised(request)) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
                respond(response, callback, 401, "text/plain; charset=utf-8", "unauthorised\n");
            } else {
                serveMetrics(request, response, callback);
            }
        } catch (RuntimeException e) {
            log.warn("Metrics endpoint failed to answer {}", path, e);
            callback.failed(e);
        }
    }

    private void serveMetrics(Request request, Response response, Callback callback) {
        String accept =
                Optional.ofNullable(request.getHeaders().get(HttpHeader.ACCEPT)).orElse("");
        String contentType = accept.contains("application/openmetrics-text") ? OPEN_METRICS : PROMETHEUS_TEXT;
        respond(response, callback, 200, contentType, registry.scrape(contentType));
    }

    private void serveHealth(Response response, Callback callback) {
        HealthStatus status;
        try {
            status = Objects.requireNonNull(health.get(), "health supplier returned null");
        } catch (RuntimeException e) {
            log.warn("Health check failed", e);
            status = HealthStatus.down("health check failed: " + e.getClass().getSimpleName());
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", status.healthy() ? "UP" : "DOWN");
        status.detail().ifPresent(detail -> body.put("detail", detail));
        respond(response, callback, status.healthy() ? 200 : 503, JSON, toJson(body));
    }

    private boolean authorised(Request request) {
        if (tokenDigest.isEmpty()) {
            return true;
        }
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Comparing digests keeps the comparison constant-time and independent of the presented length.
        return MessageDigest.isEqual(
                tokenDigest.get(), sha256(header.substring(7).strip()));
    }

    // The write completes asynchronously: a client that reads its answer slowly holds no worker either.
    private static void respond(Response response, Callback callback, int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
    }

    private static String toJson(Map<String, String> body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render health JSON", e);
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
    }

    /** Configures a {@link MetricsServer}; {@link #start()} binds and serves. */
    public static final class Builder {
        private final PrometheusMeterRegistry registry;
        private Supplier<HealthStatus> health = HealthStatus::up;
        private String host = "127.0.0.1";
        private int port;
        private Optional<String> bearerToken = Optional.empty();

        private Builder(PrometheusMeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Asked on every {@code GET /health}; an exception counts as DOWN. */
        public Builder health(Supplier<HealthStatus> health) {
            this.health = Objects.requireNonNull(health, "health");
            return this;
        }

        /** Address to bind; default 127.0.0.1. Use 0.0.0.0 only behind a network policy or with a token. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port to bind; 0 (default) picks a free one, see {@link MetricsServer#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** Requires {@code Authorization: Bearer <token>} on /metrics; null or blank means no token. */
        public Builder bearerToken(String token) {
            this.bearerToken =
                    Optional.ofNullable(token).filter(t -> !t.isBlank()).map(String::strip);
            return this;
        }

        /** Binds and starts serving. */
        public MetricsServer start() {
            try {
                return new MetricsServer(this);
            } catch (java.io.IOException e) {
                throw new UncheckedIOException("cannot bind metrics endpoint to " + host + ":" + port, e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start metrics endpoint on " + host + ":" + port, e);
            }
        }

        @Override
        public String toString() {
            // Spelled out so that a logged builder can never carry the token.
            return "MetricsServer.Builder[host=" + host + ", port=" + port + ", bearerToken="
                    + (bearerToken.isPresent() ? "<set>" : "<none>") + "]";
        }
    }
}
