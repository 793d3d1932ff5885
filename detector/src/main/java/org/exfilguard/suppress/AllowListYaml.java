package org.exfilguard.suppress;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The YAML form of an allow-list. Read as a tree and checked field by field, rather than bound to classes, so that
 * every error names the rule and field, and an unknown or duplicated key is an error: a typo must neither widen
 * nor quietly disable a rule.
 */
final class AllowListYaml {

    private static final Set<String> TOP_LEVEL = Set.of("rules");
    private static final Set<String> RULE_FIELDS = Set.of(
            "id", "account", "table", "host", "destination", "window", "maintenance", "expires", "reason", "owner");
    private static final Set<String> WINDOW_FIELDS = Set.of("days", "from", "to");
    private static final Set<String> MAINTENANCE_FIELDS = Set.of("from", "until");

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private AllowListYaml() {}

    static AllowList parse(String text) throws AllowListException {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AllowListException("not valid YAML: " + e.getOriginalMessage() + locationOf(e));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return AllowList.empty();
        }
        if (!root.isObject()) {
            throw new AllowListException("expected a mapping with a 'rules' list at the top");
        }
        String unknown = firstUnknown(root, TOP_LEVEL);
        if (unknown != null) {
            throw new AllowListException("unknown top-level field '" + unknown + "' (expected: rules)");
        }
        JsonNode rulesNode = root.path("rules");
        if (rulesNode.isMissingNode() || rulesNode.isNull()) {
            return AllowList.empty();
        }
        if (!rulesNode.isArray()) {
            throw new AllowListException("'rules' must be a list");
        }
        List<AllowRule> rules = new ArrayList<>();
        for (int i = 0; i < rulesNode.size(); i++) {
            rules.add(rule(i, rulesNode.get(i)));
        }
        try {
            return AllowList.of(rules);
        } catch (IllegalArgumentException e) {
            throw new AllowListException(e.getMessage());
        }
    }

    private static AllowRule rule(int index, JsonNode node) throws AllowListException {
        String where = "rule #" + (index + 1);
        if (!node.isObject()) {
            throw new AllowListException(where + ": expected a mapping of fields");
        }
        String id = node.hasNonNull("id") && node.get("id").isValueNode()
                ? node.get("id").asText()
                : null;
        if (id != null) {
            where += " (id '" + id + "')";
        }
        String unknown = firstUnknown(node, RULE_FIELDS);
        if (unknown != null) {
            throw new AllowListException(
                    where + ": unknown field '" + unknown + "' (expected one of " + sorted(RULE_FIELDS) + ")");
        }
        AllowRule.Builder rule;
        try {
            rule = AllowRule.builder(text(node, "id"));
        } catch (IllegalArgumentException e) {
            throw new AllowListException(where + ": field 'id': " + e.getMessage());
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            try {
                apply(rule, field.getKey(), field.getValue());
            } catch (IllegalArgumentException e) {
                throw new AllowListException(where + ": field '" + field.getKey() + "': " + e.getMessage());
            }
        }
        try {
            return rule.build();
        } catch (IllegalArgumentException e) {
            throw new AllowListException(where + ": " + e.getMessage());
        }
    }

    private static void apply(AllowRule.Builder rule, String field, JsonNode value) {
        switch (field) {
            case "id" -> {}
            case "account" -> rule.account(scalar(value));
            case "table" -> rule.table(scalar(value));
            case "host" -> rule.host(scalar(value));
            case "destination" -> rule.destination(scalar(value));
            case "window" -> {
                requireMapping(value, WINDOW_FIELDS);
                String days = value.has("days") ? scalar(value.get("days")) : "MON-SUN";
                rule.window(days, text(value, "from"), text(value, "to"));
            }
            case "maintenance" -> {
                requireMapping(value, MAINTENANCE_FIELDS);
                rule.maintenance(instant(text(value, "from")), instant(text(value, "until")));
            }
            case "expires" -> rule.expires(instant(scalar(value)));
            case "reason" -> rule.reason(scalar(value));
            case "owner" -> rule.owner(scalar(value));
            default -> throw new IllegalArgumentException("unknown field");
        }
    }

    private static void requireMapping(JsonNode value, Set<String> fields) {
        if (!value.isObject()) {
            throw new IllegalArgumentException("expected a mapping with " + sorted(fields));
        }
        String unknown = firstUnknown(value, fields);
        if (unknown != null) {
            throw new IllegalArgumentException("unknown field '" + unknown + "' (expected " + sorted(fields) + ")");
        }
    }

    private static String text(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("'" + field + "' is required");
        }
        try {
            return scalar(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + field + "': " + e.getMessage());
        }
    }

    // YAML reads an unquoted yes/no/on/off as a boolean; taking its text would turn "no" into "false".
    private static String scalar(JsonNode value) {
        if (value.isTextual() || value.isNumber()) {
            return value.asText();
        }
        if (value.isNull()) {
            throw new IllegalArgumentException("is empty");
        }
        throw new IllegalArgumentException("expected a single text value (quote it if YAML read it as "
                + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ")");
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected an instant like 2027-01-01T00:00:00Z, got '" + text + "'");
        }
    }

    private static String firstUnknown(JsonNode mapping, Set<String> known) {
        for (Iterator<String> names = mapping.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                return name;
            }
        }
        return null;
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }
}
