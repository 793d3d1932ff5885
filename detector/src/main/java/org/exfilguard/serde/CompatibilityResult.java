package org.exfilguard.serde;

import java.util.List;

/** Answer of a compatibility test: whether the candidate schema is compatible and, if not, why. */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
