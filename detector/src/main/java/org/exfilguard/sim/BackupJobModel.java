package org.exfilguard.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A nightly backup: at about 02:00 it reads every sensitive table whole in keyset chunks, then uploads the
 * compressed dump to the known backup target. The reads are the largest in the organisation, and normal.
 */
final class BackupJobModel implements ActorModel {
    static final int CHUNK_ROWS = 50_000;
    private static final long UPLOAD_FLOW_BYTES = 256L * 1024 * 1024;

    private final Account account;
    private final SimCalendar cal;
    private final TableCatalog tables;

    BackupJobModel(Account account, SimCalendar cal, TableCatalog tables) {
        this.account = account;
        this.cal = cal;
        this.tables = tables;
    }

    @Override
    public Account account() {
        return account;
    }

    @Override
    public List<SimEvent> day(int day, SplittableRandom rng) {
        List<SimEvent> out = new ArrayList<>();
        double hour = 2.0 + account.index() % 3 * 0.25 + rng.nextGaussian() * 0.05;
        String session = ActorModel.sessionId(account, day, 0);
        long totalRows = 0;
        for (String table : tables.sensitive()) {
            long rows = tables.rows(table, day);
            totalRows += rows;
            for (long offset = 0; offset < rows; offset += CHUNK_ROWS) {
                long n = Math.min(CHUNK_ROWS, rows - offset);
                out.add(EventFactory.read(
                        account, cal.at(day, hour), Fingerprints.keysetChunk(table), List.of(table), n, n, session));
                hour += (n / (40_000d + rng.nextInt(20_000)) + 0.05) / 3600;
            }
        }
        long upload = totalRows * TableCatalog.BYTES_PER_ROW * 3 / 10; // the dump compresses to about 30%
        hour += 60d / 3600;
        for (long sent = 0; sent < upload; sent += UPLOAD_FLOW_BYTES) {
            long n = Math.min(UPLOAD_FLOW_BYTES, upload - sent);
            out.add(EventFactory.flow(account, cal.at(day, hour), Destinations.BACKUP_TARGET, n, 4_000 + n / 500));
            hour += (n / 50e6 + 1) / 3600;
        }
        out.sort(Comparator.comparing(SimEvent::time));
        return out;
    }
}
