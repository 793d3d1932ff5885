package org.exfilguard.avro;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Makes Avro 1.12 trust our generated classes without {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES}.
 *
 * <p>Avro resolves record and enum classes by name through {@code ClassUtils.forName}, which calls
 * {@link ClassSecurityValidator#validate}; that consults a global predicate which by default
 * trusts a few {@code java.lang} types plus whatever the system properties
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} / {@code SERIALIZABLE_CLASSES} named <em>when
 * the validator class was loaded</em>. Setting the property later has no effect, so the shipped
 * jar instead wraps the global predicate with one that also trusts {@code org.exfilguard.schema}.
 */
public final class AvroTrust {

    /** The package of the classes generated from {@code schemas/*.avsc}. */
    public static final String SCHEMA_PACKAGE = "org.exfilguard.schema";

    private AvroTrust() {}

    /** Installs the trust; idempotent and safe to call from every serde constructor. */
    public static synchronized void ensureTrusted() {
        ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (current instanceof TrustSchemaPackage) {
            return;
        }
        ClassSecurityValidator.setGlobal(new TrustSchemaPackage(current));
    }

    /** True when Avro would instantiate the class. */
    public static boolean isTrusted(Class<?> type) {
        return ClassSecurityValidator.getGlobal().isTrusted(type);
    }

    /** Trusts our package and defers to what was trusted before for everything else. */
    private record TrustSchemaPackage(ClassSecurityPredicate previous) implements ClassSecurityPredicate {
        @Override
        public boolean isTrusted(Class<?> type) {
            return type.getName().startsWith(SCHEMA_PACKAGE + ".") || previous.isTrusted(type);
        }

        @Override
        public void forbiddenClass(String className) {
            previous.forbiddenClass(className);
        }
    }
}
