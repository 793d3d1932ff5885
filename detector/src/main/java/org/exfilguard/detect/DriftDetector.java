package org.exfilguard.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Slow drifts: sustained growth of an account's daily reads of a sensitive scope, each day too small for any
 * window's floor. A one-sided CUSUM of the daily totals against the account's own robust norm (median and scaled
 * MAD of its last days, empty days included, days of an open drift excluded so a drift does not teach itself):
 * {@code S = max(0, S + min(x - norm - shift/2, shift))} where {@code shift = max(madMultiplier x spread,
 * relativeExcess x norm, minExcessRows)}, and an alarm when {@code S >= 2 x shift} while the current day is itself
 * above {@code norm + shift}. One day adds at most one shift, so it takes two elevated days, and the current day is
 * judged as it runs (its rows so far), so a drift starting one morning alarms during the next working day. A day's
 * growth counts only when its reads span several hours: a drift is spread out; one large read is the windows' case.
 * Days without any read of the scope leave the CUSUM alone (a weekend does not erase a drift) until more than
 * {@code maxGapDays} of them in a row reset it. Days are UTC days of event time, so a replay decides the same.
 */
public final class DriftDetector {

    static final long DAY_MILLIS = 86_400_000L;
    private static final long HOUR_MILLIS = 3_600_000L;
    /** Longest run of empty days filled in one step; older ones would fall out of the history anyway. */
    private static final int MAX_FILL = 400;

    private final DriftSettings settings;

    public DriftDetector(DriftSettings settings) {
        this.settings = settings;
    }

    /** The norm the state's history gives: median, scaled MAD, and the shift worth detecting. */
    public record Norm(double typical, double spread, double shift, int historyDays) {}

    public Norm norm(DriftState state) {
        double[] values = Arrays.stream(state.history).asDoubleStream().toArray();
        RobustStats stats = RobustStats.of(values);
        double shift = Math.max(
                Math.max(settings.madMultiplier() * stats.spread(), settings.relativeExcess() * stats.median()),
                settings.minExcessRows());
        return new Norm(stats.median(), stats.spread(), shift, values.length);
    }

    /**
     * Adds a read of {@code rows} at {@code at} and returns the incident changes it causes, oldest first: the close
     * of a drift that reset on the days before it, and an opening when this read takes the CUSUM over its line.
     * {@code openId} names a new incident from its opening time; null when this scope may not open one now.
     */
    public List<DriftVerdict> observe(DriftState state, Instant at, long rows, Function<Instant, String> openId) {
        List<DriftVerdict> out = new ArrayList<>(1);
        long millis = at.toEpochMilli();
        long day = Math.floorDiv(millis, DAY_MILLIS);
        if (state.day == DriftState.NONE) {
            startDay(state, day, millis);
        } else if (day > state.day) {
            closeDays(state, day, out);
            startDay(state, day, millis);
        }
        // A late read of an earlier day is added to the day being accumulated: the closed days stay as judged.
        state.dayRows = saturatedAdd(state.dayRows, Math.max(0, rows));
        if (day == state.day) {
            state.hours |= 1 << (int) Math.floorMod(Math.floorDiv(millis, HOUR_MILLIS), 24L);
            state.dayFirstRead = Math.min(state.dayFirstRead, millis);
        }
        if (!settings.enabled()
                || openId == null
                || state.incidentOpen()
                || state.history.length < settings.minHistoryDays()) {
            return out;
        }
        Norm norm = norm(state);
        double today = state.dayRows;
        double running = Math.max(0, state.cusum + increment(norm, today, Integer.bitCount(state.hours)));
        double alarm = 2 * norm.shift();
        if (running >= alarm
                && today >= norm.typical() + norm.shift()
                && Integer.bitCount(state.hours) >= settings.minHours()) {
            long since = state.runStart == DriftState.NONE ? state.dayFirstRead : state.runStart;
            int days = state.runDays + 1;
            long runRows = saturatedAdd(state.runRows, state.dayRows);
            state.incidentId = openId.apply(at);
            state.openedAt = millis;
            out.add(new DriftVerdict(
                    true,
                    at,
                    state.incidentId,
                    Instant.ofEpochMilli(since),
                    days,
                    runRows,
                    norm.typical(),
                    norm.spread(),
                    norm.shift(),
                    running,
                    alarm,
                    norm.historyDays(),
                    state.dayRows));
        }
        return out;
    }

    /** A day's step of the CUSUM: growth counts only when spread over enough hours; at most one shift a day. */
    private double increment(Norm norm, double rows, int hours) {
        double step = Math.min(rows - norm.typical() - norm.shift() / 2, norm.shift());
        return hours >= settings.minHours() ? step : Math.min(step, 0);
    }

    private static void startDay(DriftState state, long day, long millis) {
        state.day = day;
        state.dayRows = 0;
        state.hours = 0;
        state.dayFirstRead = millis;
    }

    /** Closes the accumulated day and the empty days up to {@code day}, moving the CUSUM; a reset closes an incident. */
    private void closeDays(DriftState state, long day, List<DriftVerdict> out) {
        closeDay(state, state.dayRows, Integer.bitCount(state.hours), state.day, out);
        long empty = Math.min(day - state.day - 1, MAX_FILL);
        for (long d = day - empty; d < day; d++) {
            closeDay(state, 0, 0, d, out);
        }
    }

    private void closeDay(DriftState state, long rows, int hours, long day, List<DriftVerdict> out) {
        Norm norm = norm(state);
        boolean learning = state.history.length < settings.minHistoryDays();
        if (rows == 0) {
            state.idleDays++;
            if (state.idleDays > settings.maxGapDays()) {
                reset(state, norm, day, out);
            }
        } else {
            state.idleDays = 0;
            double next = learning ? 0 : Math.max(0, state.cusum + increment(norm, rows, hours));
            if (state.incidentOpen()) {
                // After the alarm the CUSUM is held at its line: it closes after a few ordinary days, not a week.
                next = Math.min(next, 2 * norm.shift());
            }
            if (next > 0) {
                if (state.runStart == DriftState.NONE) {
                    state.runStart = state.dayFirstRead;
                }
                state.runRows = saturatedAdd(state.runRows, rows);
                state.runDays++;
                state.cusum = next;
            } else {
                reset(state, norm, day, out);
            }
        }
        if (!state.incidentOpen()) {
            // The days of an open drift stay out of the norm: the drift must not teach the baseline it is normal.
            learn(state, rows);
        }
    }

    private void reset(DriftState state, Norm norm, long day, List<DriftVerdict> out) {
        if (state.incidentOpen()) {
            out.add(new DriftVerdict(
                    false,
                    Instant.ofEpochMilli((day + 1) * DAY_MILLIS),
                    state.incidentId,
                    Instant.ofEpochMilli(state.runStart == DriftState.NONE ? state.openedAt : state.runStart),
                    state.runDays,
                    state.runRows,
                    norm.typical(),
                    norm.spread(),
                    norm.shift(),
                    0,
                    2 * norm.shift(),
                    norm.historyDays(),
                    0));
            state.incidentId = null;
            state.openedAt = DriftState.NONE;
        }
        state.cusum = 0;
        state.runStart = DriftState.NONE;
        state.runRows = 0;
        state.runDays = 0;
    }

    private void learn(DriftState state, long rows) {
        long[] h = state.history;
        int keep = Math.min(h.length, settings.historyDays() - 1);
        long[] next = Arrays.copyOfRange(h, h.length - keep, h.length + 1);
        next[keep] = rows;
        state.history = next;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
