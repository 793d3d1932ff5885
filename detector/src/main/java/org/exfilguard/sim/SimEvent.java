package org.exfilguard.sim;

import java.time.Instant;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;

/** One simulated log record: a database access or an egress flow, in event-time order. */
public sealed interface SimEvent permits SimEvent.Db, SimEvent.Egress {

    Instant time();

    /** A database statement. */
    record Db(DbAccessEvent event) implements SimEvent {
        @Override
        public Instant time() {
            return event.getEventTime();
        }
    }

    /** An outbound network flow. */
    record Egress(EgressEvent event) implements SimEvent {
        @Override
        public Instant time() {
            return event.getEventTime();
        }
    }
}
