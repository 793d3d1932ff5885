package org.exfilguard.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The history under {@code schemas/history} keeps up with {@code schemas/*.avsc}, so the next build reads what this one stores. */
class SchemaHistoryTest {

    @Test
    void everyStoredRecordHasAHistoryEndingWithTodaysSchema() {
        for (Class<? extends SpecificRecord> type : StoredSamples.types()) {
            List<Schema> history = SchemaHistory.of(type);
            Schema today = SpecificData.getForClass(type).getSchema(type);

            assertThat(history).as("schemas/history/%s", type.getSimpleName()).isNotEmpty();
            assertThat(SchemaNormalization.parsingFingerprint64(history.get(history.size() - 1)))
                    .as(
                            "%s changed: copy it to schemas/history/%s/%d.avsc",
                            type.getSimpleName(), type.getSimpleName(), history.size() + 1)
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(today));
        }
    }

    @Test
    void everyEarlierSchemaIsReadableByTodays() {
        for (Class<? extends SpecificRecord> type : StoredSamples.types()) {
            Schema today = SpecificData.getForClass(type).getSchema(type);
            for (Schema earlier : SchemaHistory.of(type)) {
                assertThat(SchemaCompatibility.checkReaderWriterCompatibility(today, earlier)
                                .getType())
                        .as("%s reads %s", type.getSimpleName(), earlier)
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @Test
    void theHistoryHoldsExactlyTheStoredRecords() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).resolve("../schemas/history");
        try (Stream<Path> dirs = Files.list(root)) {
            assertThat(dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(StoredSamples.types().stream()
                            .map(Class::getSimpleName)
                            .toList());
        }
    }
}
