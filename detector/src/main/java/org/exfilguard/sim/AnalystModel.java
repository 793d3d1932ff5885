package org.exfilguard.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.exfilguard.sim.EventFactory.Destination;

/**
 * A business-hours analyst: weekday queries of a few to a few thousand rows, occasional member lookups of
 * 1-50 rows, now and then a report of 5-20k rows that sometimes joins the member table.
 */
final class AnalystModel implements ActorModel {
    private static final double MEMBER_LOOKUP_SHARE = 0.05;
    private static final double REPORT_PROBABILITY = 1.0 / 15;

    private final Account account;
    private final SimCalendar cal;
    private final TableCatalog tables;
    private final double activity;
    private final double shift;
    private final List<Destination> habitual;
    /** Hours added to the usual start on some days (a LATE_SHIFT look-alike); empty for most analysts. */
    private final Map<Integer, Double> lateDays;

    AnalystModel(Account account, SimCalendar cal, TableCatalog tables, long seed) {
        this.account = account;
        this.cal = cal;
        this.tables = tables;
        SplittableRandom traits = new SplittableRandom(Seeds.mix(seed, account.index(), 0xA11L));
        this.activity = 0.5 + traits.nextDouble();
        this.shift = traits.nextDouble(-0.5, 0.75);
        this.habitual = Destinations.habitualSet(traits);
        this.lateDays = Map.of();
    }

    private AnalystModel(AnalystModel base, Map<Integer, Double> lateDays) {
        this.account = base.account;
        this.cal = base.cal;
        this.tables = base.tables;
        this.activity = base.activity;
        this.shift = base.shift;
        this.habitual = base.habitual;
        this.lateDays = Map.copyOf(lateDays);
    }

    /**
     * The same analyst, working {@code hours} later on the given days: the same queries, drawn from the same
     * random stream, so every other day is unchanged.
     */
    AnalystModel withLateDays(Map<Integer, Double> hoursLaterByDay) {
        return new AnalystModel(this, hoursLaterByDay);
    }

    @Override
    public Account account() {
        return account;
    }

    @Override
    public List<SimEvent> day(int day, SplittableRandom rng) {
        List<SimEvent> out = new ArrayList<>();
        if (day < account.firstDay()) {
            return out;
        }
        int queries;
        if (cal.isWeekend(day)) {
            queries = rng.nextDouble() < 0.05 ? 3 + rng.nextInt(8) : 0;
        } else if (rng.nextDouble() < 0.04) {
            queries = 0; // a day off
        } else {
            queries = (int) Math.round(activity * (30 + rng.nextInt(51)));
        }
        if (queries == 0) {
            return out;
        }
        double todayShift = shift + lateDays.getOrDefault(day, 0.0);
        String session = ActorModel.sessionId(account, day, 0);
        for (int i = 0; i < queries; i++) {
            var t = cal.at(day, WorkingHours.sample(rng, todayShift));
            if (rng.nextDouble() < MEMBER_LOOKUP_SHARE || tables.other().isEmpty()) {
                String table = rng.nextDouble() < 0.7 ? tables.memberTable() : ActorModel.pick(rng, tables.sensitive());
                long rows = 1 + rng.nextInt(50);
                String fp = rows == 1 ? Fingerprints.pointLookup(table) : Fingerprints.memberDetail(table);
                out.add(EventFactory.read(account, t, fp, List.of(table), rows, rows, session));
            } else {
                String table = ActorModel.pick(rng, tables.other());
                long rows = Math.max(1, Math.min(5_000, Math.round(Math.exp(Math.log(60) + 1.5 * rng.nextGaussian()))));
                String fp = switch (rng.nextInt(4)) {
                    case 0 -> Fingerprints.rangeRead(table);
                    case 1 -> Fingerprints.byOwner(table);
                    case 2 -> Fingerprints.recent(table);
                    default -> Fingerprints.aggregate(table);
                };
                out.add(EventFactory.read(account, t, fp, List.of(table), rows, rows * (1 + rng.nextInt(5)), session));
            }
        }
        if (rng.nextDouble() < REPORT_PROBABILITY && !tables.other().isEmpty()) {
            String table = ActorModel.pick(rng, tables.other());
            long rows = 5_000 + rng.nextInt(15_001);
            var t = cal.at(day, WorkingHours.sample(rng, todayShift));
            if (rng.nextDouble() < 0.3) {
                String member = tables.memberTable();
                out.add(EventFactory.read(
                        account,
                        t,
                        Fingerprints.reportJoin(table, member),
                        List.of(table, member),
                        rows,
                        rows * 3,
                        session));
            } else {
                out.add(EventFactory.read(
                        account, t, Fingerprints.report(table), List.of(table), rows, rows * 2, session));
            }
        }
        OfficeTraffic.addDay(out, account, cal, day, rng, habitual, todayShift, 20, 60);
        out.sort(Comparator.comparing(SimEvent::time));
        return out;
    }
}
