package org.exfilguard.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An application's database account: a diurnal load of thousands of statements an hour at peak, member rows
 * one to a few hundred at a time, and on some days a surge of two to three times the usual load.
 */
final class ServiceAccountModel implements ActorModel {
    static final double MEMBER_SHARE = 0.45;
    private static final double CARD_SHARE = 0.10;
    private static final double PAGE_SHARE = 0.03;
    /** Mean member rows per member statement: 97% small lookups (about 6.5 rows), 3% pages of 100-300. */
    static final double MEAN_MEMBER_ROWS = 0.97 * 6.5 + 0.03 * 200;

    private static final int POOL = 8;

    private final Account account;
    private final SimCalendar cal;
    private final TableCatalog tables;
    private final int peakPerHour;
    private final double[] dayFactor;

    ServiceAccountModel(Account account, SimCalendar cal, TableCatalog tables, long seed, Population population) {
        this.account = account;
        this.cal = cal;
        this.tables = tables;
        SplittableRandom traits = new SplittableRandom(Seeds.mix(seed, account.index(), 0x5E7L));
        this.peakPerHour = (int) Math.round(population.servicePeakPerHour() * (0.4 + 0.6 * traits.nextDouble()));
        this.dayFactor = new double[cal.days()];
        for (int d = 0; d < dayFactor.length; d++) {
            boolean surge = traits.nextDouble() < population.serviceSurgeProbability();
            dayFactor[d] = surge ? 2.0 + traits.nextDouble() : 1.0;
        }
    }

    @Override
    public Account account() {
        return account;
    }

    /** Load shape over the day: a night floor of 15% and a broad afternoon peak. */
    static double diurnal(double hour) {
        double z = (hour - 14) / 4.5;
        return 0.15 + 0.85 * Math.exp(-z * z);
    }

    /** Member rows this account reads in its busiest normal hour: the yardstick for a compromise. */
    long expectedPeakHourMemberRows() {
        return Math.round(peakPerHour * MEMBER_SHARE * MEAN_MEMBER_ROWS);
    }

    boolean isSurgeDay(int day) {
        return dayFactor[day] > 1.0;
    }

    @Override
    public List<SimEvent> day(int day, SplittableRandom rng) {
        List<SimEvent> out = new ArrayList<>();
        double weekday = cal.isWeekend(day) ? 0.75 : 1.0;
        String member = tables.memberTable();
        String cards = tables.sensitive().size() > 1 ? tables.sensitive().get(1) : member;
        for (int h = 0; h < 24; h++) {
            double lambda = peakPerHour * diurnal(h + 0.5) * weekday * dayFactor[day];
            int n = ActorModel.poisson(rng, lambda);
            for (int i = 0; i < n; i++) {
                var t = cal.at(day, h + rng.nextDouble());
                String session = ActorModel.sessionId(account, day, rng.nextInt(POOL));
                double kind = rng.nextDouble();
                if (kind < MEMBER_SHARE) {
                    long rows = rng.nextDouble() < PAGE_SHARE
                            ? 100 + rng.nextInt(201)
                            : 1 + (long) Math.floor(-Math.log(1 - rng.nextDouble()) * 5.5);
                    String fp = rows == 1 ? Fingerprints.pointLookup(member) : Fingerprints.rangeRead(member);
                    out.add(EventFactory.read(account, t, fp, List.of(member), rows, rows, session));
                } else if (kind < MEMBER_SHARE + CARD_SHARE) {
                    long rows = 1 + rng.nextInt(5);
                    out.add(EventFactory.read(
                            account, t, Fingerprints.byOwner(cards), List.of(cards), rows, rows, session));
                } else if (!tables.other().isEmpty()) {
                    String table = ActorModel.pick(rng, tables.other());
                    long rows = 1 + rng.nextInt(50);
                    String fp = rng.nextBoolean() ? Fingerprints.byOwner(table) : Fingerprints.recent(table);
                    out.add(EventFactory.read(account, t, fp, List.of(table), rows, rows * 2, session));
                }
            }
            int calls = ActorModel.poisson(rng, 2 + 4 * diurnal(h + 0.5));
            for (int i = 0; i < calls; i++) {
                out.add(EventFactory.flow(
                        account,
                        cal.at(day, h + rng.nextDouble()),
                        Destinations.PAYMENT_API,
                        2_000 + rng.nextInt(30_000),
                        1_000 + rng.nextInt(10_000)));
            }
        }
        out.sort(Comparator.comparing(SimEvent::time));
        return out;
    }
}
