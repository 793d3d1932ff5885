package org.exfilguard.layeringfixture.ingest;

import org.exfilguard.layeringfixture.profile.Volume;

/** One half of a cycle between two domain packages. */
public final class Parser {

    public Volume parse(String line) {
        return new Volume(line.length());
    }
}
