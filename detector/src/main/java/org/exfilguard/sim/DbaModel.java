package org.exfilguard.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.exfilguard.sim.EventFactory.Destination;

/**
 * A DBA doing housekeeping: {@code SELECT COUNT(*)} examines a whole table and returns one row, which a
 * detector must not mistake for an extraction; plus schema statistics queries.
 */
final class DbaModel implements ActorModel {
    private static final List<String> SCHEMA_TABLES = List.of("information_schema.tables");

    private final Account account;
    private final SimCalendar cal;
    private final TableCatalog tables;
    private final List<Destination> habitual;

    DbaModel(Account account, SimCalendar cal, TableCatalog tables, long seed) {
        this.account = account;
        this.cal = cal;
        this.tables = tables;
        this.habitual = Destinations.habitualSet(new SplittableRandom(Seeds.mix(seed, account.index(), 0xDBAL)));
    }

    @Override
    public Account account() {
        return account;
    }

    @Override
    public List<SimEvent> day(int day, SplittableRandom rng) {
        List<SimEvent> out = new ArrayList<>();
        if (cal.isWeekend(day)) {
            return out;
        }
        String session = ActorModel.sessionId(account, day, 0);
        int n = 5 + rng.nextInt(11);
        for (int i = 0; i < n; i++) {
            var t = cal.at(day, WorkingHours.sample(rng, 0));
            if (rng.nextDouble() < 0.6) {
                String table = ActorModel.pick(rng, tables.all());
                out.add(EventFactory.read(
                        account, t, Fingerprints.count(table), List.of(table), 1, tables.rows(table, day), session));
            } else {
                long rows = 20 + rng.nextInt(41);
                // Connected to the application schema, asking the catalogue about it.
                String db =
                        tables.memberTable().substring(0, tables.memberTable().indexOf('.'));
                out.add(EventFactory.statementIn(
                        db,
                        account,
                        t,
                        Fingerprints.SCHEMA_STATS,
                        SCHEMA_TABLES,
                        org.exfilguard.schema.Operation.SELECT,
                        rows,
                        rows,
                        rows * 100,
                        session));
            }
        }
        OfficeTraffic.addDay(out, account, cal, day, rng, habitual, 0, 10, 30);
        out.sort(Comparator.comparing(SimEvent::time));
        return out;
    }
}
