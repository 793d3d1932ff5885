package org.exfilguard.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} speaking the Confluent REST API over {@link HttpClient}.
 *
 * <p>Ids and registrations are cached: schemas behind an id never change, so after the first
 * call a serde does no HTTP for a known schema. IO errors and 5xx answers are retried, first on
 * the next URL of the list and then, after an exponential backoff, on all of them again; 4xx
 * answers are the registry's verdict and are never retried.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            CONTENT_TYPE + ", application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final Optional<String> authorization;
    private volatile int preferredUrl;

    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsByRegistration = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, RegisteredSchema> lookups = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {}

    /** Builds a client from Confluent-style keys ({@code schema.registry.url}, basic auth, TLS, timeouts, retries). */
    public RestSchemaRegistryClient(Map<String, ?> configs) {
        this(RegistryClientConfig.from(configs));
    }

    public RestSchemaRegistryClient(RegistryClientConfig config) {
        this.config = config;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                // No h2c upgrade attempts: registries and the proxies in front of them speak HTTP/1.1.
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (config.trustStore().isPresent() || config.keyStore().isPresent()) {
            builder.sslContext(sslContext(config));
        }
        this.http = builder.build();
        this.authorization = config.userInfo()
                .map(info -> "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
    }

    /** The registry URLs in use, without credentials. */
    public List<URI> urls() {
        return config.urls();
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsByRegistration.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        int id = requiredInt(answer, "id");
        idsByRegistration.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema getSchemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        String type = answer.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException(
                    422,
                    SchemaRegistryException.INVALID_SCHEMA,
                    "schema " + id + " is of type " + type + ", only AVRO is supported");
        }
        Schema schema = parse(requiredText(answer, "schema"), "schema id " + id);
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced == null ? schema : raced;
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        RegisteredSchema cached = lookups.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
        RegisteredSchema found =
                new RegisteredSchema(subject, requiredInt(answer, "id"), requiredInt(answer, "version"), schema);
        lookups.put(key, found);
        idsByRegistration.putIfAbsent(key, found.id());
        schemasById.putIfAbsent(found.id(), schema);
        return found;
    }

    @Override
    public List<String> getAllSubjects() {
        List<String> subjects = new ArrayList<>();
        send("GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    @Override
    public List<Integer> getVersions(String subject) {
        List<Integer> versions = new ArrayList<>();
        send("GET", "/subjects/" + encode(subject) + "/versions", null).forEach(node -> versions.add(node.asInt()));
        return versions;
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
        return version(subject, "latest");
    }

    @Override
    public RegisteredSchema getVersion(String subject, int version) {
        return version(subject, Integer.toString(version));
    }

    private RegisteredSchema version(String subject, String version) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null);
        int id = requiredInt(answer, "id");
        Schema schema = parse(requiredText(answer, "schema"), "subject " + subject + " version " + version);
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(answer.path("subject").asText(subject), id, requiredInt(answer, "version"), schema);
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        JsonNode answer = send(
                "POST",
                "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                schemaBody(schema));
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(node -> messages.add(node.asText()));
        return new CompatibilityResult(answer.path("is_compatible").asBoolean(false), messages);
    }

    @Override
    public String getCompatibility(String subject) {
        String path = subject == null ? "/config" : "/config/" + encode(subject) + "?defaultToGlobal=true";
        JsonNode answer = send("GET", path, null);
        // Confluent answers compatibilityLevel; some implementations echo the PUT field name.
        JsonNode level =
                answer.has("compatibilityLevel") ? answer.get("compatibilityLevel") : answer.path("compatibility");
        return level.asText(null);
    }

    @Override
    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        send("PUT", subject == null ? "/config" : "/config/" + encode(subject), body);
    }

    private static ObjectNode schemaBody(Schema schema) {
        // schemaType is omitted for Avro: it is the default, and older registries reject the field.
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private JsonNode send(String method, String path, JsonNode body) {
        int attempts = config.maxRetries() + 1;
        List<URI> urls = config.urls();
        SchemaRegistryException last = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (attempt > 0) {
                sleep(backoff(attempt));
            }
            int start = preferredUrl;
            for (int i = 0; i < urls.size(); i++) {
                int index = (start + i) % urls.size();
                URI base = urls.get(index);
                try {
                    JsonNode answer = once(base, method, path, body);
                    preferredUrl = index;
                    return answer;
                } catch (SchemaRegistryException e) {
                    if (!e.isTransient()) {
                        throw e;
                    }
                    last = e;
                    LOG.debug("schema registry {} {}{} failed: {}", method, base, path, e.getMessage());
                }
            }
        }
        throw last;
    }

    private JsonNode once(URI base, String method, String path, JsonNode body) {
        URI uri = URI.create(base + path);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(config.requestTimeout()).header("Accept", ACCEPT);
        authorization.ifPresent(value -> request.header("Authorization", value));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException(
                    0,
                    0,
                    method + " " + uri + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(0, 0, method + " " + uri + ": interrupted", e);
        }
        int status = response.statusCode();
        JsonNode answer = readJson(response.body());
        if (status >= 200 && status < 300) {
            if (answer == null) {
                throw new SchemaRegistryException(
                        status, status, method + " " + uri + " answered with a body that is not JSON");
            }
            return answer;
        }
        int errorCode = answer != null && answer.has("error_code")
                ? answer.get("error_code").asInt(status)
                : status;
        String message = answer != null && answer.has("message")
                ? answer.get("message").asText()
                : "HTTP " + status + " from " + method + " " + uri;
        throw new SchemaRegistryException(status, errorCode, message);
    }

    private static JsonNode readJson(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private Duration backoff(int attempt) {
        long wait = config.retryWait().toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(wait, config.retryMaxWait().toMillis()));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(0, 0, "interrupted while waiting to retry", e);
        }
    }

    private static int requiredInt(JsonNode answer, String field) {
        JsonNode node = answer.get(field);
        if (node == null || !node.canConvertToInt()) {
            throw new SchemaRegistryException(200, 0, "registry answer lacks integer field '" + field + "'");
        }
        return node.asInt();
    }

    private static String requiredText(JsonNode answer, String field) {
        JsonNode node = answer.get(field);
        if (node == null || !node.isTextual()) {
            throw new SchemaRegistryException(200, 0, "registry answer lacks text field '" + field + "'");
        }
        return node.asText();
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(
                    200,
                    SchemaRegistryException.INVALID_SCHEMA,
                    "registry returned an unparseable Avro schema for " + what + ": " + e.getMessage(),
                    e);
        }
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static SSLContext sslContext(RegistryClientConfig config) {
        try {
            TrustManagerFactory tmf = null;
            if (config.trustStore().isPresent()) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(config.trustStore().get(), RegistryClientConfig.TRUSTSTORE_LOCATION));
            }
            KeyManagerFactory kmf = null;
            if (config.keyStore().isPresent()) {
                RegistryClientConfig.StoreConfig store = config.keyStore().get();
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] keyPassword = config.keyPassword()
                        .or(store::password)
                        .map(String::toCharArray)
                        .orElse(null);
                kmf.init(load(store, RegistryClientConfig.KEYSTORE_LOCATION), keyPassword);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot set up TLS for the schema registry: " + e.getClass().getSimpleName(), e);
        }
    }

    private static KeyStore load(RegistryClientConfig.StoreConfig store, String key) throws GeneralSecurityException {
        KeyStore keyStore = KeyStore.getInstance(store.type());
        try (InputStream in = Files.newInputStream(Path.of(store.location()))) {
            keyStore.load(in, store.password().map(String::toCharArray).orElse(null));
            return keyStore;
        } catch (IOException e) {
            // Wrong password surfaces as an IOException; say so without echoing it.
            throw new IllegalArgumentException(
                    "cannot read " + key + " " + store.location() + " (missing file, wrong type or wrong password): "
                            + e.getClass().getSimpleName());
        }
    }
}
