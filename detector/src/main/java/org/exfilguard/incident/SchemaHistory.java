package org.exfilguard.incident;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Every schema a stored record type has had, oldest first, from {@code schemas/history/<Record>/<n>.avsc} (on the
 * classpath under {@value #ROOT}). Entry 1 is the layout of the builds before single-object encoding; the newest
 * entry is the schema of today's generated class, which a unit test checks.
 */
final class SchemaHistory {

    static final String ROOT = "schema-history";

    private SchemaHistory() {}

    static List<Schema> of(Class<?> type) {
        List<Schema> history = new ArrayList<>();
        for (int version = 1; ; version++) {
            String path = "/" + ROOT + "/" + type.getSimpleName() + "/" + version + ".avsc";
            try (InputStream in = SchemaHistory.class.getResourceAsStream(path)) {
                if (in == null) {
                    return history;
                }
                history.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }
    }
}
