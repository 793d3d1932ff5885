package org.exfilguard.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * An in-memory schema registry serving the Confluent REST subset our client uses, for the demo,
 * backtests and tests. Ids are global and stable for the life of the instance: the same schema
 * gets the same id under any subject, and re-registering it adds no version. Registration is
 * checked against the subject's compatibility level (default BACKWARD) and refused with 409 and
 * the reasons when incompatible, as Confluent Schema Registry does.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong requests = new AtomicLong();

    // Guarded by this.
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int nextId = 1;

    private EmbeddedSchemaRegistry(String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "embedded-schema-registry");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a registry on 127.0.0.1 on an ephemeral port. */
    public static EmbeddedSchemaRegistry start() {
        return start("127.0.0.1", 0);
    }

    /** Starts a registry on the given address; port 0 picks a free one. */
    public static EmbeddedSchemaRegistry start(String host, int port) {
        try {
            return new EmbeddedSchemaRegistry(host, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded schema registry on " + host + ":" + port, e);
        }
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    /** Requests served so far, for tests that check client caching. */
    public long requestCount() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try {
            Reply reply;
            try {
                reply = route(exchange.getRequestMethod(), segments(exchange), query(exchange), exchange);
            } catch (Refusal refusal) {
                reply = error(refusal.status, refusal.errorCode, refusal.getMessage());
            } catch (RuntimeException e) {
                reply = error(500, 50001, "internal error: " + e);
            }
            byte[] body = reply.body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE);
            exchange.sendResponseHeaders(reply.status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            exchange.close();
        }
    }

    private record Reply(int status, JsonNode body) {}

    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final int status;
        final int errorCode;

        Refusal(int status, int errorCode, String message) {
            super(message, null, false, false);
            this.status = status;
            this.errorCode = errorCode;
        }
    }

    private static Reply ok(JsonNode body) {
        return new Reply(200, body);
    }

    private static Reply error(int status, int errorCode, String message) {
        return new Reply(
                status, JSON.createObjectNode().put("error_code", errorCode).put("message", message));
    }

    private Reply route(String method, List<String> path, Map<String, String> query, HttpExchange exchange) {
        int n = path.size();
        if (n == 1 && path.get(0).equals("subjects") && method.equals("GET")) {
            return ok(subjectList());
        }
        if (n >= 2 && path.get(0).equals("subjects")) {
            String subject = path.get(1);
            if (n == 2 && method.equals("POST")) {
                return ok(lookup(subject, schemaFrom(exchange)));
            }
            if (n == 2 && method.equals("DELETE")) {
                return ok(deleteSubject(subject));
            }
            if (n == 3 && path.get(2).equals("versions") && method.equals("POST")) {
                return ok(JSON.createObjectNode().put("id", register(subject, schemaFrom(exchange))));
            }
            if (n == 3 && path.get(2).equals("versions") && method.equals("GET")) {
                return ok(versions(subject));
            }
            if (n == 4 && path.get(2).equals("versions") && method.equals("GET")) {
                return ok(version(subject, path.get(3)));
            }
        }
        if (n == 3 && path.get(0).equals("schemas") && path.get(1).equals("ids") && method.equals("GET")) {
            return ok(schemaById(path.get(2)));
        }
        if (n == 5
                && path.get(0).equals("compatibility")
                && path.get(1).equals("subjects")
                && path.get(3).equals("versions")
                && method.equals("POST")) {
            return ok(testCompatibility(path.get(2), path.get(4), schemaFrom(exchange)));
        }
        if (path.size() >= 1 && path.size() <= 2 && path.get(0).equals("config")) {
            String subject = n == 2 ? path.get(1) : null;
            if (method.equals("GET")) {
                return ok(getConfig(subject, Boolean.parseBoolean(query.getOrDefault("defaultToGlobal", "false"))));
            }
            if (method.equals("PUT")) {
                return ok(putConfig(subject, body(exchange)));
            }
        }
        return error(404, 404, "HTTP 404 Not Found: " + method + " /" + String.join("/", path));
    }

    private synchronized ArrayNode subjectList() {
        ArrayNode list = JSON.createArrayNode();
        subjects.keySet().forEach(list::add);
        return list;
    }

    private synchronized int register(String subject, Schema schema) {
        String key = schema.toString();
        List<Integer> versions = subjects.getOrDefault(subject, List.of());
        Integer existing = idsBySchema.get(key);
        if (existing != null && versions.contains(existing)) {
            return existing;
        }
        List<String> problems = levelOf(subject).check(schema, schemasOf(versions), 1);
        if (!problems.isEmpty()) {
            throw new Refusal(
                    409,
                    SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                            + "\", details: " + problems);
        }
        int id = existing != null ? existing : nextId++;
        idsBySchema.putIfAbsent(key, id);
        schemasById.putIfAbsent(id, schema);
        subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    private synchronized ObjectNode lookup(String subject, Schema schema) {
        List<Integer> versions = requireSubject(subject);
        Integer id = idsBySchema.get(schema.toString());
        if (id == null || !versions.contains(id)) {
            throw new Refusal(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found");
        }
        return versionNode(subject, versions.indexOf(id) + 1, id);
    }

    private synchronized ArrayNode deleteSubject(String subject) {
        List<Integer> versions = requireSubject(subject);
        ArrayNode deleted = JSON.createArrayNode();
        for (int v = 1; v <= versions.size(); v++) {
            deleted.add(v);
        }
        subjects.remove(subject);
        subjectLevels.remove(subject);
        return deleted;
    }

    private synchronized ArrayNode versions(String subject) {
        List<Integer> versions = requireSubject(subject);
        ArrayNode list = JSON.createArrayNode();
        for (int v = 1; v <= versions.size(); v++) {
            list.add(v);
        }
        return list;
    }

    private synchronized ObjectNode version(String subject, String version) {
        List<Integer> versions = requireSubject(subject);
        int v = versionNumber(version, versions);
        return versionNode(subject, v, versions.get(v - 1));
    }

    private synchronized ObjectNode schemaById(String rawId) {
        Schema schema;
        try {
            schema = schemasById.get(Integer.parseInt(rawId));
        } catch (NumberFormatException e) {
            schema = null;
        }
        if (schema == null) {
            throw new Refusal(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + rawId + " not found");
        }
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private synchronized ObjectNode testCompatibility(String subject, String version, Schema schema) {
        List<Integer> versions = subjects.getOrDefault(subject, List.of());
        List<String> problems;
        if (version.equals("latest") && versions.isEmpty()) {
            problems = List.of();
        } else if (version.equals("latest") || version.equals("-1")) {
            problems = levelOf(subject).check(schema, schemasOf(versions), 1);
        } else {
            requireSubject(subject);
            int v = versionNumber(version, versions);
            problems = nonTransitive(levelOf(subject)).check(schema, List.of(schemasById.get(versions.get(v - 1))), v);
        }
        ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
        ArrayNode messages = answer.putArray("messages");
        problems.forEach(messages::add);
        return answer;
    }

    private synchronized ObjectNode getConfig(String subject, boolean defaultToGlobal) {
        if (subject == null) {
            return JSON.createObjectNode().put("compatibilityLevel", globalLevel.name());
        }
        CompatibilityLevel level = subjectLevels.get(subject);
        if (level == null && !defaultToGlobal) {
            throw new Refusal(
                    404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
        }
        return JSON.createObjectNode().put("compatibilityLevel", (level == null ? globalLevel : level).name());
    }

    private synchronized ObjectNode putConfig(String subject, JsonNode body) {
        CompatibilityLevel level;
        try {
            level = CompatibilityLevel.parse(body.path("compatibility").asText(null));
        } catch (IllegalArgumentException e) {
            throw new Refusal(
                    422,
                    SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
                    "Invalid compatibility level: " + e.getMessage());
        }
        if (subject == null) {
            globalLevel = level;
        } else {
            subjectLevels.put(subject, level);
        }
        return JSON.createObjectNode().put("compatibility", level.name());
    }

    private static CompatibilityLevel nonTransitive(CompatibilityLevel level) {
        return switch (level) {
            case BACKWARD_TRANSITIVE -> CompatibilityLevel.BACKWARD;
            case FORWARD_TRANSITIVE -> CompatibilityLevel.FORWARD;
            case FULL_TRANSITIVE -> CompatibilityLevel.FULL;
            default -> level;
        };
    }

    private CompatibilityLevel levelOf(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private List<Schema> schemasOf(List<Integer> ids) {
        return ids.stream().map(schemasById::get).toList();
    }

    private List<Integer> requireSubject(String subject) {
        List<Integer> versions = subjects.get(subject);
        if (versions == null) {
            throw new Refusal(404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
        }
        return versions;
    }

    private static int versionNumber(String version, List<Integer> versions) {
        if (version.equals("latest") || version.equals("-1")) {
            return versions.size();
        }
        int v;
        try {
            v = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw new Refusal(
                    422,
                    42202,
                    "The specified version '" + version + "' is not a valid version id. "
                            + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
        }
        if (v < 1 || v > versions.size()) {
            throw new Refusal(404, SchemaRegistryException.VERSION_NOT_FOUND, "Version " + version + " not found.");
        }
        return v;
    }

    private ObjectNode versionNode(String subject, int version, int id) {
        return JSON.createObjectNode()
                .put("subject", subject)
                .put("version", version)
                .put("id", id)
                .put("schema", schemasById.get(id).toString());
    }

    private static Schema schemaFrom(HttpExchange exchange) {
        JsonNode body = body(exchange);
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new Refusal(
                    422, SchemaRegistryException.INVALID_SCHEMA, "Only AVRO schemas are served here, not " + type);
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new Refusal(
                    422, SchemaRegistryException.INVALID_SCHEMA, "Request body lacks the text field 'schema'");
        }
        try {
            return new Schema.Parser().parse(schema.asText());
        } catch (SchemaParseException e) {
            throw new Refusal(422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }

    private static JsonNode body(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new Refusal(413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes");
            }
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new Refusal(422, 422, "Request body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new Refusal(422, 422, "Request body is not JSON: " + e.getMessage());
        }
    }

    private static List<String> segments(HttpExchange exchange) {
        List<String> segments = new ArrayList<>();
        for (String raw : exchange.getRequestURI().getRawPath().split("/")) {
            if (!raw.isEmpty()) {
                // Decode %XX only: '+' is a literal in a path, unlike in a form.
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.put(key, value);
            }
        }
        return query;
    }
}
