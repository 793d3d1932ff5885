package org.exfilguard.incident;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The MITRE ATT&amp;CK techniques our alerts name, with their names and tactics, so SIEM renderings can say
 * more than a bare id. An id outside the catalogue is still rendered, by id alone.
 */
public final class AttackCatalog {

    /** An ATT&amp;CK tactic. */
    public record Tactic(String uid, String name) {
        public String url() {
            return "https://attack.mitre.org/tactics/" + uid + "/";
        }
    }

    /** A technique or sub-technique ({@code T1213.006}) and the tactic it serves in our alerts. */
    public record Technique(String uid, String name, Tactic tactic) {
        public boolean isSubTechnique() {
            return uid.contains(".");
        }

        public String parentUid() {
            return isSubTechnique() ? uid.substring(0, uid.indexOf('.')) : uid;
        }

        public String url() {
            return "https://attack.mitre.org/techniques/" + uid.replace('.', '/') + "/";
        }
    }

    public static final Tactic COLLECTION = new Tactic("TA0009", "Collection");
    public static final Tactic EXFILTRATION = new Tactic("TA0010", "Exfiltration");

    /** Reads of a database: the collection every incident starts with. */
    public static final Technique DATA_FROM_REPOSITORIES =
            new Technique("T1213", "Data from Information Repositories", COLLECTION);
    /** HTTP(S) to a new destination. */
    public static final Technique OVER_WEB_SERVICE =
            new Technique("T1567", "Exfiltration Over Web Service", EXFILTRATION);
    /** Any other port. */
    public static final Technique OVER_ALTERNATIVE_PROTOCOL =
            new Technique("T1048", "Exfiltration Over Alternative Protocol", EXFILTRATION);
    /** The upload went out in many similar chunks. */
    public static final Technique TRANSFER_SIZE_LIMITS =
            new Technique("T1030", "Data Transfer Size Limits", EXFILTRATION);

    private static final Map<String, Technique> TECHNIQUES = Stream.of(
                    DATA_FROM_REPOSITORIES,
                    new Technique("T1213.006", "Databases", COLLECTION),
                    new Technique("T1041", "Exfiltration Over C2 Channel", EXFILTRATION),
                    OVER_ALTERNATIVE_PROTOCOL,
                    OVER_WEB_SERVICE,
                    TRANSFER_SIZE_LIMITS)
            .collect(Collectors.toUnmodifiableMap(Technique::uid, t -> t));

    private AttackCatalog() {}

    public static Optional<Technique> technique(String uid) {
        return Optional.ofNullable(TECHNIQUES.get(uid));
    }
}
