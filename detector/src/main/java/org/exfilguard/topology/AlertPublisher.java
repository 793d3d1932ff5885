package org.exfilguard.topology;

import java.time.Clock;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.suppress.AlertSuppressor;

/**
 * Puts an alert record on the alert topics from a processor (the read profile's and the table profile's): marked if
 * an allow-list rule or maintenance window covers it, counted, and forwarded as Avro and in each published format.
 */
final class AlertPublisher {

    private final AlertSuppressor suppressor;
    private final DetectorMetrics metrics;
    private final Clock wallClock;
    private final ReadProfileSupplier.Sinks sinks;
    private final ProcessorContext<String, Object> context;

    AlertPublisher(
            AlertSuppressor suppressor,
            DetectorMetrics metrics,
            Clock wallClock,
            ReadProfileSupplier.Sinks sinks,
            ProcessorContext<String, Object> context) {
        this.suppressor = suppressor;
        this.metrics = metrics;
        this.wallClock = wallClock;
        this.sinks = sinks;
        this.context = context;
    }

    /** Publishes the record and returns it as published (with its suppression mark). */
    ExfiltrationAlert publish(ExfiltrationAlert unchecked) {
        ExfiltrationAlert alert = suppressor.apply(unchecked);
        metrics.alert(
                alert.getSeverity().name(),
                alert.getKind().name(),
                alert.getStatus().name());
        // Alert records carry the wall time they were published, not the event time (that is in the payload,
        // detected_at): an alert topic ages its segments by record timestamp, and the alerts of a replay of
        // weeks-old logs stamped with event time would be deleted before a SIEM read them.
        long published = wallClock.millis();
        context.forward(new Record<String, Object>(alert.getAccount(), alert, published), sinks.alerts());
        for (ReadProfileSupplier.RenderingSink rendering : sinks.renderings()) {
            context.forward(
                    new Record<String, Object>(
                            alert.getAccount(), rendering.format().render(alert), published),
                    rendering.child());
        }
        return alert;
    }
}
