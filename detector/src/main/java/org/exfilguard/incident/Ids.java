package org.exfilguard.incident;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic ids: the same input logs give the same incident and alert ids, on a replay or a restart. */
public final class Ids {

    private Ids() {}

    public static String incidentId(String account, String scope, long openedAtMillis) {
        return "inc-" + hash(account + '\u0000' + scope + '\u0000' + openedAtMillis);
    }

    public static String alertId(String incidentId, int sequence) {
        return "alr-" + hash(incidentId + '\u0000' + sequence);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
