package org.exfilguard.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;
import org.exfilguard.avro.AvroTrust;
import org.exfilguard.schema.DbAccessEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Surefire sets {@code org.apache.avro.SERIALIZABLE_PACKAGES}, and Avro reads that property once
 * when its validator class loads. To see what the shipped jar sees without the property, these
 * tests install the validator Avro uses when the property is absent (only its built-in
 * {@code java.lang} types), and restore the original afterwards.
 */
@Isolated
class AvroTrustTest {

    private ClassSecurityPredicate original;

    @BeforeEach
    void withoutTheSystemProperty() {
        original = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.DEFAULT_TRUSTED_CLASSES);
    }

    @AfterEach
    void restore() {
        ClassSecurityValidator.setGlobal(original);
    }

    @Test
    void avroRefusesOurClassesWithoutTrust() throws IOException {
        byte[] bytes = encode(SerdeFixtures.dbRead());

        Throwable refused = catchThrowable(() -> decodeWithFreshModel(bytes));

        assertThat(refused).isInstanceOf(SecurityException.class).hasMessageContaining("org.exfilguard.schema");
        assertThat(AvroTrust.isTrusted(DbAccessEvent.class)).isFalse();
    }

    @Test
    void ensureTrustedLetsAvroDecodeOurClasses() throws IOException {
        byte[] bytes = encode(SerdeFixtures.dbRead());

        AvroTrust.ensureTrusted();

        assertThat(AvroTrust.isTrusted(DbAccessEvent.class)).isTrue();
        assertThat(decodeWithFreshModel(bytes)).isEqualTo(SerdeFixtures.dbRead());
    }

    @Test
    void ensureTrustedIsIdempotentAndTrustsNothingElse() {
        AvroTrust.ensureTrusted();
        ClassSecurityPredicate first = ClassSecurityValidator.getGlobal();
        AvroTrust.ensureTrusted();

        assertThat(ClassSecurityValidator.getGlobal()).isSameAs(first);
        assertThat(AvroTrust.isTrusted(String.class)).isTrue();
        assertThat(AvroTrust.isTrusted(java.io.File.class)).isFalse();
        assertThat(AvroTrust.isTrusted(AvroTrust.class)).isFalse();
    }

    @Test
    void serdeConstructorInstallsTheTrust() {
        new AvroDeserializer<>(DbAccessEvent.class);

        assertThat(AvroTrust.isTrusted(DbAccessEvent.class)).isTrue();
    }

    /** A new SpecificData has an empty class cache, so the class lookup (and its check) really happens. */
    private static DbAccessEvent decodeWithFreshModel(byte[] bytes) throws IOException {
        SpecificData model = new SpecificData();
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        SpecificDatumReader<DbAccessEvent> reader =
                new SpecificDatumReader<>(DbAccessEvent.getClassSchema(), DbAccessEvent.getClassSchema(), model);
        return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }

    private static byte[] encode(DbAccessEvent event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        // Writing from the class needs no lookup by name, so it works untrusted, as the serializer does.
        new SpecificDatumWriter<>(DbAccessEvent.class).write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
