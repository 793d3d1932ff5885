package org.exfilguard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void scrapeContainsRegisteredCounter() throws Exception {
        registry.counter("exfilguard.events", "source", "postgres", "outcome", "parsed")
                .increment(42);
        try (MetricsServer server = MetricsServer.builder(registry).start()) {
            HttpResponse<String> response = get(server, "/metrics", null);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(MetricsServer.PROMETHEUS_TEXT);
            assertThat(response.body())
                    .contains("exfilguard_events_total{outcome=\"parsed\",source=\"postgres\"} 42.0");
        }
    }

    @Test
    void healthReportsUpThenDownWithDetail() throws Exception {
        AtomicReference<HealthStatus> status = new AtomicReference<>(HealthStatus.up());
        try (MetricsServer server =
                MetricsServer.builder(registry).health(status::get).start()) {
            HttpResponse<String> up = get(server, "/health", null);
            status.set(HealthStatus.down("streams state ERROR: \"broker\" unreachable"));
            HttpResponse<String> down = get(server, "/health", null);

            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).isEqualTo("{\"status\":\"UP\"}");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body())
                    .isEqualTo("{\"status\":\"DOWN\",\"detail\":\"streams state ERROR: \\\"broker\\\" unreachable\"}");
        }
    }

    @Test
    void failingHealthCheckIsReportedDown() throws Exception {
        try (MetricsServer server = MetricsServer.builder(registry)
                .health(() -> {
                    throw new IllegalStateException("boom");
                })
                .start()) {
            HttpResponse<String> response = get(server, "/health", null);

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("\"status\":\"DOWN\"").contains("IllegalStateException");
        }
    }

    @Test
    void metricsRequireBearerTokenWhenConfiguredButHealthStaysOpen() throws Exception {
        registry.counter("exfilguard.alerts", "severity", "high").increment();
        try (MetricsServer server =
                MetricsServer.builder(registry).bearerToken("s3cr3t-token").start()) {
            assertThat(get(server, "/metrics", null).statusCode()).isEqualTo(401);
            assertThat(get(server, "/metrics", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(get(server, "/metrics", "Bearer s3cr3t-token-and-more").statusCode())
                    .isEqualTo(401);
            assertThat(get(server, "/metrics", "Basic s3cr3t-token").statusCode())
                    .isEqualTo(401);
            assertThat(get(server, "/metrics", null).headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer");

            HttpResponse<String> authorised = get(server, "/metrics", "Bearer s3cr3t-token");
            assertThat(authorised.statusCode()).isEqualTo(200);
            assertThat(authorised.body()).contains("exfilguard_alerts_total{severity=\"high\"} 1.0");
            assertThat(get(server, "/health", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unknownPathsAndPrefixesAreNotFound() throws Exception {
        try (MetricsServer server = MetricsServer.builder(registry).start()) {
            assertThat(get(server, "/", null).statusCode()).isEqualTo(404);
            assertThat(get(server, "/metricsx", null).statusCode()).isEqualTo(404);
            assertThat(get(server, "/metrics/extra", null).statusCode()).isEqualTo(404);
            assertThat(get(server, "/admin", null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void rejectsNonGetMethods() throws Exception {
        try (MetricsServer server = MetricsServer.builder(registry).start()) {
            HttpRequest post = HttpRequest.newBuilder(uri(server, "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x"))
                    .build();

            assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(405);
        }
    }

    @Test
    void bindsToLoopbackOnEphemeralPortByDefault() {
        try (MetricsServer server = MetricsServer.builder(registry).start()) {
            assertThat(server.address().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
            assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(server.port()).isPositive();
        }
    }

    @Test
    void slowClientsDribblingHeadersDoNotStarveHealthOrMetrics() throws Exception {
        try (MetricsServer server = MetricsServer.builder(registry).start()) {
            List<Socket> slow = new ArrayList<>();
            ScheduledExecutorService dribble = Executors.newSingleThreadScheduledExecutor();
            try {
                for (int i = 0; i < 16; i++) {
                    Socket socket = new Socket("127.0.0.1", server.port());
                    socket.getOutputStream()
                            .write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    slow.add(socket);
                }
                // One more header line per connection every 200 ms, never the blank line that ends the request.
                dribble.scheduleAtFixedRate(
                        () -> slow.forEach(socket -> {
                            try {
                                socket.getOutputStream().write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
                                socket.getOutputStream().flush();
                            } catch (IOException closedByServer) {
                                // a server may close a slow connection: that is a fine answer too
                            }
                        }),
                        0,
                        200,
                        TimeUnit.MILLISECONDS);
                Thread.sleep(500);

                HttpClient client = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
                for (String path : List.of("/health", "/metrics", "/health")) {
                    long started = System.nanoTime();
                    HttpResponse<String> response = client.send(
                            HttpRequest.newBuilder(uri(server, path))
                                    .timeout(Duration.ofSeconds(5))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
                }
            } finally {
                dribble.shutdownNow();
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void builderNeverShowsToken() {
        assertThat(MetricsServer.builder(registry).bearerToken("s3cr3t-token").toString())
                .doesNotContain("s3cr3t-token")
                .contains("<set>");
    }

    private HttpResponse<String> get(MetricsServer server, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(server, path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(MetricsServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
