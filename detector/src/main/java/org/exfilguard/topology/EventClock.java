package org.exfilguard.topology;

/** The newest accepted event time of a task, in the {@link StoreNames#EVENT_CLOCK} store under this key. */
final class EventClock {

    static final String KEY = "clock";

    private EventClock() {
    }
}
