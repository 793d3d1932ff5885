package org.exfilguard.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scrape endpoint: {@code GET /metrics} (Prometheus text format) and {@code GET /health} (JSON, 200 or 503).
 *
 * <p>Binds to 127.0.0.1 unless told otherwise, so exposing metrics beyond the host is a deliberate choice. With a
 * bearer token configured, {@code /metrics} requires {@code Authorization: Bearer <token>}; {@code /health} stays
 * open for liveness probes. The token is never logged.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String JSON = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PrometheusMeterRegistry registry;
    private final Supplier<HealthStatus> health;
    private final Optional<byte[]> tokenDigest;
    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(Builder builder) throws IOException {
        this.registry = builder.registry;
        this.health = builder.health;
        this.tokenDigest = builder.bearerToken.map(MetricsServer::sha256);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(builder.host), builder.port), 0);
        // Scrapes are rare; two threads keep a slow health check from blocking a scrape.
        this.executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "metrics-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        // One root context: contexts match by prefix, and "/metricsx" must be a 404, not a scrape.
        server.createContext("/", this::handle);
        server.start();
        log.info("Metrics endpoint listening on {} (bearer token {})", server.getAddress(),
                tokenDigest.isPresent() ? "required" : "not required");
    }

    /** A builder serving the given registry; health defaults to always UP. */
    public static Builder builder(PrometheusMeterRegistry registry) {
        return new Builder(registry);
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        // stop(0): requests in flight are cut off; a scrape is cheap to retry.
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean known = "/metrics".equals(path) || "/health".equals(path);
            if (!known) {
                respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            } else if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
            } else if ("/health".equals(path)) {
                serveHealth(exchange);
            } else if (!authorised(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                respond(exchange, 401, "text/plain; charset=utf-8", "unauthorised\n");
            } else {
                serveMetrics(exchange);
            }
        } catch (RuntimeException e) {
            log.warn("Metrics endpoint failed to answer {}", exchange.getRequestURI().getPath(), e);
        }
    }

    private void serveMetrics(HttpExchange exchange) throws IOException {
        String accept = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Accept")).orElse("");
        String contentType = accept.contains("application/openmetrics-text") ? OPEN_METRICS : PROMETHEUS_TEXT;
        respond(exchange, 200, contentType, registry.scrape(contentType));
    }

    private void serveHealth(HttpExchange exchange) throws IOException {
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
        respond(exchange, status.healthy() ? 200 : 503, JSON, toJson(body));
    }

    private boolean authorised(HttpExchange exchange) {
        if (tokenDigest.isEmpty()) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Comparing digests keeps the comparison constant-time and independent of the presented length.
        return MessageDigest.isEqual(tokenDigest.get(), sha256(header.substring(7).strip()));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
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
            this.bearerToken = Optional.ofNullable(token).filter(t -> !t.isBlank()).map(String::strip);
            return this;
        }

        /** Binds and starts serving. */
        public MetricsServer start() {
            try {
                return new MetricsServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind metrics endpoint to " + host + ":" + port, e);
            }
        }

        @Override
        public String toString() {
            // Spelled out so that a logged builder can never carry the token.
            return "MetricsServer.Builder[host=" + host + ", port=" + port
                    + ", bearerToken=" + (bearerToken.isPresent() ? "<set>" : "<none>") + "]";
        }
    }
}
