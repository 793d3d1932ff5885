package org.exfilguard.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.function.Predicate;
import org.exfilguard.ingest.LogFormat;

/**
 * The format names an option accepts, from {@link LogFormat} itself, so the help ({@code ${COMPLETION-CANDIDATES}})
 * and shell completion list every format the parsers read and no other.
 */
abstract class FormatNames implements Iterable<String> {

    private final Predicate<LogFormat> accepted;

    FormatNames(Predicate<LogFormat> accepted) {
        this.accepted = accepted;
    }

    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(LogFormat.values())
                .filter(accepted)
                .map(LogFormat::id)
                .iterator();
    }

    static final class Any extends FormatNames {
        Any() {
            super(format -> true);
        }
    }

    static final class Database extends FormatNames {
        Database() {
            super(LogFormat::database);
        }
    }

    static final class Egress extends FormatNames {
        Egress() {
            super(LogFormat::egress);
        }
    }
}
