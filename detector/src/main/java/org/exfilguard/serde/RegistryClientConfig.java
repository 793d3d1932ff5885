package org.exfilguard.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.types.Password;

/**
 * Registry client settings read from Confluent-style configuration keys, so the same properties
 * file works for our client and Confluent's.
 *
 * <p>Credentials come from {@code basic.auth.user.info} when {@code basic.auth.credentials.source=USER_INFO},
 * or from the URL ({@code https://user:pass@host:8081}, the default source). They are kept apart
 * from the URLs, which are stored without user info so they can appear in messages.
 */
public record RegistryClientConfig(
        List<URI> urls,
        Optional<String> userInfo,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration retryWait,
        Duration retryMaxWait,
        Optional<StoreConfig> trustStore,
        Optional<StoreConfig> keyStore,
        Optional<String> keyPassword) {

    public static final String URL = "schema.registry.url";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    public static final String PREFIXED_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String SSL_PREFIX = "schema.registry.ssl.";
    public static final String TRUSTSTORE_LOCATION = SSL_PREFIX + "truststore.location";
    public static final String TRUSTSTORE_PASSWORD = SSL_PREFIX + "truststore.password";
    public static final String TRUSTSTORE_TYPE = SSL_PREFIX + "truststore.type";
    public static final String KEYSTORE_LOCATION = SSL_PREFIX + "keystore.location";
    public static final String KEYSTORE_PASSWORD = SSL_PREFIX + "keystore.password";
    public static final String KEYSTORE_TYPE = SSL_PREFIX + "keystore.type";
    public static final String KEY_PASSWORD = SSL_PREFIX + "key.password";

    /** A key or trust store on disk. The password is only handed to {@link java.security.KeyStore#load}. */
    public record StoreConfig(String location, String type, Optional<String> password) {
        @Override
        public String toString() {
            // Records print every component; the password must never reach a log line.
            return "StoreConfig[location=" + location + ", type=" + type + "]";
        }
    }

    @Override
    public String toString() {
        return "RegistryClientConfig[urls=" + urls + ", basicAuth=" + userInfo.isPresent()
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", maxRetries=" + maxRetries + ", trustStore=" + trustStore + ", keyStore=" + keyStore + "]";
    }

    /** Reads the configuration; throws {@link IllegalArgumentException} naming the bad key. */
    public static RegistryClientConfig from(Map<String, ?> config) {
        String rawUrls =
                string(config, URL).orElseThrow(() -> new IllegalArgumentException("missing required setting " + URL));
        String source = string(config, CREDENTIALS_SOURCE).orElse("URL").trim().toUpperCase(java.util.Locale.ROOT);
        List<URI> urls = new ArrayList<>();
        Optional<String> urlUserInfo = Optional.empty();
        for (String part : rawUrls.split(",")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            URI uri = parseUrl(trimmed);
            if (uri.getRawUserInfo() != null && urlUserInfo.isEmpty()) {
                urlUserInfo = Optional.of(
                        java.net.URLDecoder.decode(uri.getRawUserInfo(), java.nio.charset.StandardCharsets.UTF_8));
            }
            urls.add(withoutUserInfo(uri));
        }
        if (urls.isEmpty()) {
            throw new IllegalArgumentException(URL + " holds no URL");
        }
        Optional<String> userInfo = switch (source) {
            case "URL" -> urlUserInfo;
            case "USER_INFO" ->
                Optional.of(string(config, USER_INFO)
                        .or(() -> string(config, PREFIXED_USER_INFO))
                        .orElseThrow(() -> new IllegalArgumentException(
                                CREDENTIALS_SOURCE + "=USER_INFO needs " + USER_INFO + " (user:password)")));
            default ->
                throw new IllegalArgumentException(CREDENTIALS_SOURCE + " must be URL or USER_INFO, not " + source);
        };
        userInfo.ifPresent(info -> {
            if (!info.contains(":")) {
                throw new IllegalArgumentException("basic auth user info must have the form user:password");
            }
        });
        return new RegistryClientConfig(
                List.copyOf(urls),
                userInfo,
                Duration.ofMillis(longValue(config, CONNECT_TIMEOUT_MS, 10_000)),
                Duration.ofMillis(longValue(config, REQUEST_TIMEOUT_MS, 30_000)),
                (int) longValue(config, MAX_RETRIES, 3),
                Duration.ofMillis(longValue(config, RETRIES_WAIT_MS, 200)),
                Duration.ofMillis(longValue(config, RETRIES_MAX_WAIT_MS, 5_000)),
                store(config, TRUSTSTORE_LOCATION, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD),
                store(config, KEYSTORE_LOCATION, KEYSTORE_TYPE, KEYSTORE_PASSWORD),
                string(config, KEY_PASSWORD));
    }

    private static URI parseUrl(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null
                    || uri.getHost() == null
                    || !(uri.getScheme().equalsIgnoreCase("http")
                            || uri.getScheme().equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException(URL + " entries must be http(s)://host[:port]; got one that is not");
            }
            return uri;
        } catch (URISyntaxException e) {
            // The input may carry a password: say which key is wrong, not what it holds.
            throw new IllegalArgumentException(URL + " holds a malformed URL");
        }
    }

    private static URI withoutUserInfo(URI uri) {
        try {
            String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
            return new URI(
                    uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + path);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(URL + " holds a malformed URL");
        }
    }

    private static Optional<StoreConfig> store(
            Map<String, ?> config, String locationKey, String typeKey, String passwordKey) {
        return string(config, locationKey)
                .filter(s -> !s.isBlank())
                .map(location ->
                        new StoreConfig(location, string(config, typeKey).orElse("JKS"), string(config, passwordKey)));
    }

    static Optional<String> string(Map<String, ?> config, String key) {
        Object value = config.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Password password) {
            return Optional.ofNullable(password.value());
        }
        if (value instanceof List<?> list) {
            return Optional.of(
                    String.join(",", list.stream().map(String::valueOf).toList()));
        }
        return Optional.of(value.toString());
    }

    static long longValue(Map<String, ?> config, String key, long defaultValue) {
        Optional<String> value = string(config, key);
        if (value.isEmpty() || value.get().isBlank()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.get().trim());
            if (parsed < 0) {
                throw new IllegalArgumentException(key + " must not be negative, got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value.get() + "'");
        }
    }

    static boolean booleanValue(Map<String, ?> config, String key, boolean defaultValue) {
        Optional<String> value = string(config, key);
        if (value.isEmpty() || value.get().isBlank()) {
            return defaultValue;
        }
        String v = value.get().trim();
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
    }
}
