package org.exfilguard.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The optional SASL_SSL listener of {@link EmbeddedKafka}: SCRAM-SHA-512 for one user, TLS with a self-signed
 * certificate for 127.0.0.1 made by the JDK's keytool (the JDK has no public API to issue a certificate).
 */
final class SaslSslListener {

    static final String NAME = "SASL_SSL";
    static final String MECHANISM = "SCRAM-SHA-512";
    private static final String PREFIX = "listener.name.sasl_ssl.";
    // Credentials are embedded in JAAS and formatter argument syntax; a plain charset keeps quoting out of it.
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

    private final String username;
    private final String password;
    private int port;
    private Path keystore;
    private String keystorePassword;
    private String certificatePem;

    SaslSslListener(String username, String password) {
        if (!SAFE.matcher(username).matches() || !SAFE.matcher(password).matches()) {
            throw new IllegalArgumentException("SASL username and password must match " + SAFE.pattern());
        }
        this.username = username;
        this.password = password;
    }

    /** Picks a port and makes the key store (once per data directory, so a restart keeps its certificate). */
    void prepare(Path dataDir) {
        port = EmbeddedKafka.freePort();
        Path tls = dataDir.resolve("tls");
        keystore = tls.resolve("broker.p12");
        Path passwordFile = tls.resolve("keystore.password");
        Path certFile = tls.resolve("broker.pem");
        try {
            if (!Files.exists(keystore)) {
                Files.createDirectories(tls);
                byte[] random = new byte[16];
                new SecureRandom().nextBytes(random);
                String secret = HexFormat.of().formatHex(random);
                // Passwords go to keytool in a file, not on a command line that any process can list.
                Files.writeString(passwordFile, secret);
                keytool(
                        "-genkeypair",
                        "-alias",
                        "broker",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-validity",
                        "3650",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1,dns:localhost",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass:file",
                        passwordFile.toString(),
                        "-keypass:file",
                        passwordFile.toString());
                keytool(
                        "-exportcert",
                        "-rfc",
                        "-alias",
                        "broker",
                        "-keystore",
                        keystore.toString(),
                        "-storepass:file",
                        passwordFile.toString(),
                        "-file",
                        certFile.toString());
            }
            keystorePassword = Files.readString(passwordFile).strip();
            certificatePem = Files.readString(certFile);
        } catch (IOException e) {
            throw new IllegalStateException("could not prepare the TLS key store in " + tls, e);
        }
    }

    String listenerSpec() {
        return NAME + "://127.0.0.1:" + port;
    }

    Map<String, String> brokerConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(PREFIX + "sasl.enabled.mechanisms", MECHANISM);
        config.put(
                PREFIX + "scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        config.put(PREFIX + "ssl.keystore.type", "PKCS12");
        config.put(PREFIX + "ssl.keystore.location", keystore.toString());
        config.put(PREFIX + "ssl.keystore.password", keystorePassword);
        config.put(PREFIX + "ssl.key.password", keystorePassword);
        return config;
    }

    /** The formatter's SCRAM argument: the user is written into the cluster metadata at format time. */
    List<String> scramArguments() {
        return List.of(MECHANISM + "=[name=" + username + ",password=" + password + "]");
    }

    Map<String, Object> clientConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bootstrap.servers", "127.0.0.1:" + port);
        config.put("security.protocol", "SASL_SSL");
        config.put("sasl.mechanism", MECHANISM);
        config.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required" + " username=\"" + username
                        + "\" password=\"" + password + "\";");
        config.put("ssl.truststore.type", "PEM");
        config.put("ssl.truststore.certificates", certificatePem);
        return config;
    }

    private static void keytool(String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>();
        command.add(keytool.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
