package org.exfilguard.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The OCSF schema excerpt in ../shared/ocsf, read the way the OCSF server compiles it: a class's attributes are
 * its {@code extends} chain merged (child over parent), each merged over its dictionary entry; an object's
 * attributes likewise; observable type ids come from the types, objects and attributes that declare
 * {@code observable}. Profiles ({@code $include}) are not in the excerpt and not applied by our rendering.
 */
final class OcsfSchema {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Map<String, ObjectNode> events = new LinkedHashMap<>();
    private final Map<String, ObjectNode> objects = new LinkedHashMap<>();
    private final ObjectNode dictionary;
    private final ObjectNode types;
    private final ObjectNode categories;

    /** Everything an event's validation found wrong, and the object types it could not check (absent files). */
    record Report(List<String> violations, Set<String> unchecked) {}

    private OcsfSchema(Path root) {
        this.root = root;
        index(root.resolve("events"), events);
        index(root.resolve("objects"), objects);
        dictionary = (ObjectNode) read(root.resolve("dictionary.json"));
        types = (ObjectNode) dictionary.path("types").path("attributes");
        categories = (ObjectNode) read(root.resolve("categories.json"));
    }

    /** From {@code exfilguard.shared.dir}, else ../shared next to the repository; empty when neither has it. */
    static Optional<OcsfSchema> locate() {
        List<Path> candidates = new ArrayList<>();
        String shared = System.getProperty("exfilguard.shared.dir");
        if (shared != null) {
            candidates.add(Path.of(shared, "ocsf"));
        }
        candidates.add(Path.of("..", "shared", "ocsf"));
        candidates.add(Path.of("..", "..", "shared", "ocsf"));
        return candidates.stream()
                .filter(p -> Files.isRegularFile(p.resolve("dictionary.json")))
                .findFirst()
                .map(OcsfSchema::new);
    }

    Path root() {
        return root;
    }

    String version() {
        return read(root.resolve("version.json")).path("version").asText();
    }

    /** The class's attributes after inheritance, each merged over its dictionary entry. */
    Map<String, ObjectNode> classAttributes(String className) {
        Map<String, ObjectNode> own = chainAttributes(className, events);
        Map<String, ObjectNode> effective = new LinkedHashMap<>();
        own.forEach((name, def) -> effective.put(name, withDictionary(name, def)));
        return effective;
    }

    /** Names of the class's attributes whose requirement is {@code required}, after inheritance. */
    Set<String> requiredAttributes(String className) {
        Set<String> required = new TreeSet<>();
        classAttributes(className).forEach((name, def) -> {
            if ("required".equals(def.path("requirement").asText())) {
                required.add(name);
            }
        });
        return required;
    }

    /** The class uid as OCSF computes it: category uid * 1000 + the class's own uid. */
    int classUid(String className) {
        return categoryUid(className) * 1000 + events.get(className).path("uid").asInt();
    }

    int categoryUid(String className) {
        return categories
                .path("attributes")
                .path(category(className))
                .path("uid")
                .asInt(-1);
    }

    String category(String className) {
        for (ObjectNode def = events.get(className);
                def != null;
                def = events.get(def.path("extends").asText())) {
            if (def.has("category")) {
                return def.get("category").asText();
            }
        }
        throw new IllegalStateException(className + " has no category in its chain");
    }

    /** Enum ids of a class attribute after inheritance and the dictionary. */
    Set<String> enumIds(String className, String attribute) {
        return fieldNames(classAttributes(className).get(attribute).path("enum"));
    }

    /** Observable type id to caption, derived from every declaration of {@code observable}. */
    Map<String, String> observableTypes() {
        Map<String, String> ids = new LinkedHashMap<>();
        objects.get("observable")
                .path("attributes")
                .path("type_id")
                .path("enum")
                .properties()
                .forEach(e -> ids.put(e.getKey(), e.getValue().path("caption").asText()));
        types.properties().forEach(e -> addObservable(ids, e.getValue()));
        objects.values().forEach(o -> addObservable(ids, o));
        dictionary.path("attributes").properties().forEach(e -> addObservable(ids, e.getValue()));
        return ids;
    }

    private static void addObservable(Map<String, String> ids, JsonNode def) {
        if (def.has("observable")) {
            ids.put(def.get("observable").asText(), def.path("caption").asText());
        }
    }

    /** Validates an event of the class: required attributes, enums, captions, data types, nested objects. */
    Report validate(JsonNode event, String className) {
        Report report = new Report(new ArrayList<>(), new TreeSet<>());
        validateAttributes("", event, compiledClassAttributes(className), true, null, report);
        return report;
    }

    /**
     * As the OCSF compiler does, the enums of class_uid, category_uid and type_uid become the class's own values:
     * its uid, its category's uid, and class_uid * 100 + each activity id, captioned "Class: Activity".
     */
    private Map<String, ObjectNode> compiledClassAttributes(String className) {
        Map<String, ObjectNode> attributes = classAttributes(className);
        String classCaption = events.get(className).path("caption").asText();
        int classUid = classUid(className);
        replaceEnum(attributes.get("class_uid"), Map.of(Integer.toString(classUid), classCaption));
        replaceEnum(
                attributes.get("category_uid"),
                Map.of(
                        Integer.toString(categoryUid(className)),
                        categories
                                .path("attributes")
                                .path(category(className))
                                .path("caption")
                                .asText()));
        Map<String, String> typeUids = new LinkedHashMap<>();
        attributes
                .get("activity_id")
                .path("enum")
                .properties()
                .forEach(e -> typeUids.put(
                        Long.toString(classUid * 100L + Long.parseLong(e.getKey())),
                        classCaption + ": " + e.getValue().path("caption").asText()));
        replaceEnum(attributes.get("type_uid"), typeUids);
        return attributes;
    }

    private static void replaceEnum(ObjectNode attribute, Map<String, String> captions) {
        ObjectNode values = attribute.putObject("enum");
        captions.forEach((id, caption) -> values.putObject(id).put("caption", caption));
    }

    private void validateObject(String path, JsonNode value, String objectName, Report report) {
        ObjectNode def = objects.get(objectName);
        if (def == null) {
            report.unchecked().add(objectName);
            return;
        }
        Map<String, ObjectNode> attributes = new LinkedHashMap<>();
        boolean complete = chainComplete(objectName);
        chainAttributes(objectName, objects).forEach((name, a) -> attributes.put(name, withDictionary(name, a)));
        validateAttributes(path, value, attributes, complete, objectName, report);
        JsonNode atLeastOne = def.path("constraints").path("at_least_one");
        if (atLeastOne.isArray()) {
            boolean any = false;
            for (JsonNode name : atLeastOne) {
                any |= value.has(name.asText());
            }
            if (!any) {
                report.violations().add(path + ": needs at least one of " + atLeastOne);
            }
        }
    }

    private void validateAttributes(
            String path,
            JsonNode value,
            Map<String, ObjectNode> attributes,
            boolean complete,
            String objectName,
            Report report) {
        if (!value.isObject()) {
            report.violations().add(path + ": expected an object");
            return;
        }
        attributes.forEach((name, def) -> {
            if ("required".equals(def.path("requirement").asText()) && !value.has(name)) {
                report.violations().add(at(path, name) + ": required attribute missing");
            }
        });
        value.properties().forEach(field -> {
            String name = field.getKey();
            ObjectNode def = attributes.get(name);
            if (def == null) {
                if (complete) {
                    report.violations()
                            .add(at(path, name) + ": not an attribute of "
                                    + (objectName == null ? "the class" : objectName));
                    return;
                }
                // The parent holding it (endpoint, _entity) is not in the excerpt: the dictionary still types it.
                def = withDictionary(name, JSON.createObjectNode());
                if (!def.has("type")) {
                    report.violations().add(at(path, name) + ": unknown attribute");
                    return;
                }
            }
            validateValue(at(path, name), field.getValue(), def, objectName, name, value, report);
        });
    }

    private void validateValue(
            String path,
            JsonNode value,
            ObjectNode def,
            String objectName,
            String name,
            JsonNode parent,
            Report report) {
        if (def.path("is_array").asBoolean()) {
            if (!value.isArray()) {
                report.violations().add(path + ": expected an array");
                return;
            }
            for (int i = 0; i < value.size(); i++) {
                validateScalarOrObject(path + "[" + i + "]", value.get(i), def, objectName, name, parent, report);
            }
        } else {
            validateScalarOrObject(path, value, def, objectName, name, parent, report);
        }
    }

    private void validateScalarOrObject(
            String path,
            JsonNode value,
            ObjectNode def,
            String objectName,
            String name,
            JsonNode parent,
            Report report) {
        String type = def.path("type").asText();
        if (type.endsWith("_t")) {
            checkScalar(path, value, type, report);
            checkEnum(path, value, def, objectName, name, parent, report);
        } else if ("object".equals(type)) {
            if (!value.isObject()) {
                report.violations().add(path + ": expected an object");
            }
        } else {
            validateObject(path, value, type, report);
        }
    }

    private void checkScalar(String path, JsonNode value, String type, Report report) {
        String base = type;
        JsonNode typeDef = types.path(type);
        if (typeDef.has("type")) {
            base = typeDef.get("type").asText();
        }
        boolean ok = switch (base) {
            case "string_t" -> value.isTextual();
            case "integer_t", "long_t" -> value.isIntegralNumber();
            case "float_t" -> value.isNumber();
            case "boolean_t" -> value.isBoolean();
            default -> true;
        };
        if (!ok) {
            report.violations().add(path + ": expected " + type + ", got " + value.getNodeType());
            return;
        }
        if (typeDef.has("regex")
                && !Pattern.compile(typeDef.get("regex").asText())
                        .matcher(value.asText())
                        .find()) {
            report.violations().add(path + ": '" + value.asText() + "' does not match " + type);
        }
        // Epoch millis of this century, not seconds: seconds would read as January 1970.
        if ("timestamp_t".equals(type) && value.asLong() < 946_684_800_000L) {
            report.violations().add(path + ": " + value.asLong() + " is not epoch milliseconds");
        }
    }

    private void checkEnum(
            String path,
            JsonNode value,
            ObjectNode def,
            String objectName,
            String name,
            JsonNode parent,
            Report report) {
        Map<String, String> captions = new LinkedHashMap<>();
        def.path("enum")
                .properties()
                .forEach(e ->
                        captions.put(e.getKey(), e.getValue().path("caption").asText()));
        if ("observable".equals(objectName) && "type_id".equals(name)) {
            captions.putAll(observableTypes());
        }
        if (captions.isEmpty()) {
            return;
        }
        String id = value.asText();
        if (!captions.containsKey(id)) {
            report.violations().add(path + ": " + id + " is not one of " + captions.keySet());
            return;
        }
        String sibling = def.path("sibling").asText(null);
        if (sibling != null
                && parent.has(sibling)
                && !"99".equals(id)
                && !captions.get(id).equals(parent.get(sibling).asText())) {
            report.violations()
                    .add(path + ": " + sibling + " '" + parent.get(sibling).asText() + "' is not the caption '"
                            + captions.get(id) + "' of " + id);
        }
    }

    private boolean chainComplete(String objectName) {
        Set<String> seen = new LinkedHashSet<>();
        for (String name = objectName; name != null && seen.add(name); ) {
            ObjectNode def = objects.get(name);
            if (def == null) {
                return "object".equals(name);
            }
            name = def.has("extends") ? def.get("extends").asText() : null;
        }
        return true;
    }

    private Map<String, ObjectNode> chainAttributes(String name, Map<String, ObjectNode> definitions) {
        ObjectNode def = definitions.get(name);
        if (def == null) {
            return new LinkedHashMap<>();
        }
        Map<String, ObjectNode> merged =
                def.has("extends") ? chainAttributes(def.get("extends").asText(), definitions) : new LinkedHashMap<>();
        def.path("attributes").properties().forEach(e -> {
            if (!e.getKey().startsWith("$")) {
                ObjectNode base = merged.getOrDefault(e.getKey(), JSON.createObjectNode());
                merged.put(e.getKey(), deepMerge(base.deepCopy(), (ObjectNode) e.getValue()));
            }
        });
        return merged;
    }

    private ObjectNode withDictionary(String name, ObjectNode def) {
        JsonNode entry = dictionary.path("attributes").path(name);
        ObjectNode base = entry.isObject() ? ((ObjectNode) entry).deepCopy() : JSON.createObjectNode();
        return deepMerge(base, def);
    }

    /** Child over parent, objects (such as enums) merged key by key, as the OCSF compiler does. */
    private static ObjectNode deepMerge(ObjectNode base, ObjectNode over) {
        over.properties().forEach(e -> {
            JsonNode existing = base.get(e.getKey());
            if (existing instanceof ObjectNode existingObject && e.getValue() instanceof ObjectNode overObject) {
                deepMerge(existingObject, overObject);
            } else {
                base.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return base;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String at(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static void index(Path dir, Map<String, ObjectNode> into) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(p -> p.toString().endsWith(".json")).forEach(p -> {
                JsonNode def = read(p);
                into.put(def.path("name").asText(), (ObjectNode) def);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
