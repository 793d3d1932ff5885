package org.exfilguard.serde;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.incident.AlertText;
import org.exfilguard.incident.EcsAlert;
import org.exfilguard.incident.OcsfFinding;
import org.exfilguard.schema.ExfiltrationAlert;

/**
 * One way of writing an alert down: for the console ({@code alerts}) and, when it has a topic, for a SIEM reading
 * the detector's output topics. The CLI and the topology take their renderings from {@link #ALL}, so a new format
 * is its rendering class, its test and one entry here; {@code alerts.json.formats} says which are published.
 *
 * @param id       the name used in configuration and on the command line
 * @param description what the renderings are, for help and topic descriptions
 * @param json     whether a rendering is one JSON object (escaped for terminals, one per line) rather than text
 * @param renderer the rendering
 * @param topic    where the format is published when it is, as the configuration key naming the topic and its default
 */
public record AlertFormat(
        String id,
        String description,
        boolean json,
        Function<ExfiltrationAlert, String> renderer,
        Optional<Topic> topic) {

    /** The configuration key of a format's topic, the topic's default name, and the key's documentation. */
    public record Topic(String key, String defaultName, String doc) {}

    /** Multi-line text for people, ending with a newline. */
    public static final AlertFormat TEXT = new AlertFormat("text", "text", false, AlertText::format, Optional.empty());
    /** The alert's own fields, snake_case. */
    public static final AlertFormat JSON =
            new AlertFormat("json", "the alert's own fields", true, JsonRecords::toJson, Optional.empty());

    public static final AlertFormat OCSF = new AlertFormat(
            "ocsf",
            "OCSF Detection Findings",
            true,
            OcsfFinding::render,
            Optional.of(new Topic(
                    "topic.alerts.json",
                    "exfil-alerts-json",
                    "Alerts as OCSF Detection Findings (JSON), for SIEMs that map OCSF (Splunk).")));
    public static final AlertFormat ECS = new AlertFormat(
            "ecs",
            "ECS documents",
            true,
            EcsAlert::render,
            Optional.of(new Topic(
                    "topic.alerts.ecs",
                    "exfil-alerts-ecs",
                    "Alerts as Elastic Common Schema documents (JSON), for Elastic, Splunk and other ECS consumers.")));

    /** Every format, in the order help text lists them. */
    public static final List<AlertFormat> ALL = List.of(TEXT, JSON, OCSF, ECS);

    public String render(ExfiltrationAlert alert) {
        return renderer.apply(alert);
    }

    /** The formats that can be published to a topic. */
    public static List<AlertFormat> publishable() {
        return ALL.stream().filter(f -> f.topic().isPresent()).toList();
    }

    public static Optional<AlertFormat> of(String id) {
        return ALL.stream().filter(f -> f.id().equals(id)).findFirst();
    }
}
