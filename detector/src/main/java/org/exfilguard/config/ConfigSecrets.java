package org.exfilguard.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which settings are secrets, so that the start-up log and any printed configuration never carry them: every key
 * Kafka (or the detector) types as {@code PASSWORD}, bare or behind a client prefix ({@code ssl.keystore.key} is a
 * PEM private key); any key named like a secret, for the settings of plug-ins that Kafka does not define; and the
 * {@code user:password@} part of a URL in any value ({@code schema.registry.url}).
 */
public final class ConfigSecrets {

    /** What a masked value is shown as. */
    public static final String HIDDEN = "[hidden]";

    private static final List<String> SECRET_WORDS =
            List.of("password", "passwd", "passphrase", "secret", "jaas", "token", "credentials", "private");
    /** A URL's user information: {@code scheme://user:password@host}. */
    private static final Pattern URL_USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+._-]*://)[^/\\s@,;]+@");

    private ConfigSecrets() {}

    /** True when the value of {@code key} must not be shown. */
    public static boolean isSecret(String key) {
        return ConfigKeys.isPasswordType(key) || namedLikeSecret(key);
    }

    /**
     * Names that say "secret": password, secret, token, credentials, jaas, private, {@code user.info}, and a last
     * part ending in {@code key} ({@code ssl.keystore.key}, {@code api.key}, {@code apikey}), but not a key that
     * is about record keys ({@code key.serializer}, {@code default.key.serde}).
     */
    static boolean namedLikeSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
        if (SECRET_WORDS.stream().anyMatch(lower::contains) || lower.contains("user.info")) {
            return true;
        }
        String last = lower.substring(lower.lastIndexOf('.') + 1);
        return last.endsWith("key");
    }

    /** The text with the user information of every URL in it replaced by {@value #HIDDEN}. */
    public static String maskUrlUserInfo(String text) {
        return text == null ? null : URL_USER_INFO.matcher(text).replaceAll("$1" + HIDDEN + "@");
    }

    /** How a setting may be shown: its value, or {@value #HIDDEN} for a secret, never a URL's password. */
    public static String display(String key, String value) {
        return isSecret(key) ? HIDDEN : maskUrlUserInfo(value);
    }
}
