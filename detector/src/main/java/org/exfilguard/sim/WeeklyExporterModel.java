package org.exfilguard.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/** An ETL account that every Monday exports a large slice of the member table and ships it to a partner. */
final class WeeklyExporterModel implements ActorModel {
    static final int CHUNK_ROWS = 100_000;

    private final Account account;
    private final SimCalendar cal;
    private final TableCatalog tables;
    private final double share;

    WeeklyExporterModel(Account account, SimCalendar cal, TableCatalog tables, long seed) {
        this.account = account;
        this.cal = cal;
        this.tables = tables;
        this.share = 0.2 + new SplittableRandom(Seeds.mix(seed, account.index(), 0xE7L)).nextDouble() * 0.3;
    }

    @Override
    public Account account() {
        return account;
    }

    @Override
    public List<SimEvent> day(int day, SplittableRandom rng) {
        List<SimEvent> out = new ArrayList<>();
        if (!cal.isMonday(day)) {
            return out;
        }
        String table = tables.memberTable();
        long rows = Math.round(tables.rows(table, day) * share * (0.95 + rng.nextDouble() * 0.1));
        double hour = 5.0 + account.index() % 4 * 0.5 + rng.nextGaussian() * 0.15;
        String session = ActorModel.sessionId(account, day, 0);
        for (long offset = 0; offset < rows; offset += CHUNK_ROWS) {
            long n = Math.min(CHUNK_ROWS, rows - offset);
            out.add(EventFactory.read(
                    account, cal.at(day, hour), Fingerprints.exportChunk(table), List.of(table), n, n, session));
            hour += (n / 30_000d + 0.2) / 3600;
        }
        long bytes = rows * 60; // a CSV of a few columns
        hour += 120d / 3600;
        for (long sent = 0; sent < bytes; sent += 100_000_000L) {
            long n = Math.min(100_000_000L, bytes - sent);
            out.add(EventFactory.flow(account, cal.at(day, hour), Destinations.PARTNER_SFTP, n, 10_000));
            hour += (n / 20e6 + 1) / 3600;
        }
        out.sort(Comparator.comparing(SimEvent::time));
        return out;
    }
}
