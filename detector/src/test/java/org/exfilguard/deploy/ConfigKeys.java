package org.exfilguard.deploy;

import java.util.Optional;
import org.exfilguard.config.ConfigLoader;

/** The configuration keys the detector accepts, as the detector itself judges them ({@link org.exfilguard.config.ConfigKeys}). */
final class ConfigKeys {

    private ConfigKeys() {}

    static boolean accepted(String key) {
        return org.exfilguard.config.ConfigKeys.accepted(key);
    }

    /** The key an EXFILGUARD_ variable sets, as {@link ConfigLoader} maps it; empty when it maps to none. */
    static Optional<String> keyOfVariable(String variable) {
        return ConfigLoader.keyOf(variable);
    }
}
