package org.exfilguard.layeringfixture.profile;

import org.exfilguard.layeringfixture.ingest.Parser;

/** The other half of the cycle: the profile calls back into the parser. */
public record Volume(long rows) {

    public Volume reparse(Parser parser) {
        return parser.parse("x".repeat((int) rows));
    }
}
