package org.exfilguard.topology;

/**
 * The newest accepted event time of a task, to the whole minute, in the {@link StoreNames#EVENT_CLOCK} store under
 * this key. Whole minutes: the store (and its changelog) is written once a minute of event time instead of on
 * every event, and the clock only decides what is too late (a week behind) and when quiet incidents are
 * looked for (once a minute).
 */
final class EventClock {

    static final String KEY = "clock";
    static final long TICK_MILLIS = 60_000;

    static long tick(long eventMillis) {
        return Math.floorDiv(eventMillis, TICK_MILLIS) * TICK_MILLIS;
    }

    private EventClock() {}
}
