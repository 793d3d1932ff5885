package org.exfilguard.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.exfilguard.sim.EventFactory.Destination;

/**
 * Turns scenario specs into concrete labelled events. Scenarios are small (hundreds of statements), so they
 * are materialised up front: their truth, with exact rows and times, is known before streaming starts.
 */
final class ScenarioPlanner {
    private static final String[] NEW_ACCOUNT_NAMES = {
        "ext_audit_tmp", "svc_report_tmp", "contractor07", "temp_migration"
    };

    private final SimulationSpec spec;
    private final SimCalendar cal;
    private final TableCatalog tables;
    private final List<Account> roster;
    private final Map<String, ServiceAccountModel> services;
    private final Set<String> used = new HashSet<>();

    private final Map<String, Map<Integer, Double>> lateDays = new LinkedHashMap<>();

    /**
     * Events and labels of all injected scenarios, and the days on which an analyst's own workload moves
     * later (hours later by day, per account), which the analyst's model generates.
     */
    record Plan(List<SimEvent> events, List<TruthEntry> truth, Map<String, Map<Integer, Double>> lateDays) {}

    ScenarioPlanner(
            SimulationSpec spec,
            SimCalendar cal,
            TableCatalog tables,
            List<Account> roster,
            Map<String, ServiceAccountModel> services) {
        this.spec = spec;
        this.cal = cal;
        this.tables = tables;
        this.roster = roster;
        this.services = services;
    }

    Plan plan() {
        for (ScenarioSpec s : spec.scenarios()) {
            if (s.account() != null) {
                used.add(s.account());
            }
        }
        List<SimEvent> events = new ArrayList<>();
        List<TruthEntry> truth = new ArrayList<>();
        List<ScenarioSpec> scenarios = spec.scenarios();
        for (int i = 0; i < scenarios.size(); i++) {
            ScenarioSpec s = scenarios.get(i);
            SplittableRandom rng = new SplittableRandom(Seeds.mix(spec.seed(), 0x5CE7A210L, i));
            String id = String.format("S%02d-%s", i + 1, s.kind());
            String table = s.table() != null ? s.table().toLowerCase(java.util.Locale.ROOT) : tables.memberTable();
            Builder b = new Builder(id, s.kind(), table);
            switch (s.kind()) {
                case SMASH_AND_GRAB -> smashAndGrab(s, rng, b);
                case LOW_AND_SLOW -> lowAndSlow(s, rng, b);
                case COMPROMISED_SERVICE -> compromisedService(s, rng, b);
                case OFF_HOURS -> offHours(s, rng, b);
                case NEW_ACCOUNT -> newAccount(s, rng, b, i);
                case MULTI_ACCOUNT -> multiAccount(s, rng, b);
                case READ_THEN_EGRESS -> readThenEgress(s, rng, b, i);
                case NIGHT_READ -> nightRead(s, rng, b, i);
                case SLOW_DRIFT -> slowDrift(s, rng, b);
                case CONCURRENT_READERS -> concurrentReaders(s, rng, b);
                case SMALL_READ_EGRESS -> smallReadEgress(s, rng, b, i);
                case FIRST_DAY_EGRESS -> firstDayEgress(s, rng, b, i);
                case LATE_SHIFT -> lateShift(s, rng, b);
                case PERIOD_END -> periodEnd(s, rng, b);
            }
            events.addAll(b.events);
            truth.addAll(b.truth());
        }
        events.sort(Comparator.comparing(SimEvent::time));
        truth.sort(Comparator.comparing(TruthEntry::start)
                .thenComparing(TruthEntry::scenarioId)
                .thenComparing(TruthEntry::account));
        return new Plan(List.copyOf(events), List.copyOf(truth), Map.copyOf(lateDays));
    }

    private void smashAndGrab(ScenarioSpec s, SplittableRandom rng, Builder b) {
        Account a = victim(s, rng, Account.Role.ANALYST);
        int day = day(s, rng, 1, true);
        Instant start = start(s, day, 9 + rng.nextDouble() * 8);
        long rows = Math.min(rowsOr(s, 500_000 + rng.nextLong(1_500_001)), tables.rows(b.table, day));
        int chunk = new int[] {10_000, 20_000, 50_000}[rng.nextInt(3)];
        Duration span = Duration.ofMinutes(10 + rng.nextInt(31));
        dump(b, a, start, span, rows, chunk, Fingerprints.offsetDump(b.table), ActorModel.sessionId(a, day, 900), true);
    }

    private void lowAndSlow(ScenarioSpec s, SplittableRandom rng, Builder b) {
        Account a = victim(s, rng, Account.Role.ANALYST);
        int spanDays = 3 + rng.nextInt(3);
        // Working days only: leave room for a weekend inside the span.
        int first = day(s, rng, Math.min(cal.days(), spanDays + 2), true);
        String fp = Fingerprints.memberDetail(b.table);
        int worked = 0;
        for (int d = first; d < cal.days() && worked < spanDays; d++) {
            if (cal.isWeekend(d)) {
                continue;
            }
            worked++;
            long dayRows = s.rows() != null ? s.rows() / spanDays : 20_000 + rng.nextLong(30_001);
            List<Instant> times = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            for (long done = 0; done < dayRows; ) {
                long n = Math.min(dayRows - done, 500 + rng.nextInt(1_501));
                sizes.add(n);
                times.add(cal.at(d, 9 + rng.nextDouble() * 8));
                done += n;
            }
            times.sort(Comparator.naturalOrder());
            String session = ActorModel.sessionId(a, d, 901);
            for (int i = 0; i < times.size(); i++) {
                b.read(a, times.get(i), fp, sizes.get(i), sizes.get(i), session);
            }
        }
    }

    private void compromisedService(ScenarioSpec s, SplittableRandom rng, Builder b) {
        Account a = victim(s, rng, Account.Role.SERVICE);
        ServiceAccountModel model = services.get(a.name());
        int day = day(s, rng, 1, false);
        Instant start = start(s, day, 0.5 + rng.nextDouble() * 3.5);
        long rows = rowsOr(s, 10 * (model == null ? 10_000 : model.expectedPeakHourMemberRows()));
        List<Long> sizes = new ArrayList<>();
        for (long done = 0; done < rows; ) {
            long n = Math.min(rows - done, 200 + rng.nextInt(301));
            sizes.add(n);
            done += n;
        }
        long stepMillis = Duration.ofHours(1).toMillis() / sizes.size();
        for (int i = 0; i < sizes.size(); i++) {
            long n = sizes.get(i);
            b.read(
                    a,
                    start.plusMillis(i * stepMillis + rng.nextLong(Math.max(1, stepMillis))),
                    Fingerprints.rangeRead(b.table),
                    n,
                    n,
                    ActorModel.sessionId(a, day, 8 + rng.nextInt(4)));
        }
    }

    private void offHours(ScenarioSpec s, SplittableRandom rng, Builder b) {
        Account a = victim(s, rng, Account.Role.ANALYST);
        int day = day(s, rng, 1, false);
        Instant start = start(s, day, 3 + (rng.nextDouble() * 30 - 10) / 60);
        long rows = rowsOr(s, 200_000);
        dump(
                b,
                a,
                start,
                Duration.ofMinutes(15 + rng.nextInt(16)),
                rows,
                5_000 + rng.nextInt(5_001),
                Fingerprints.keysetChunk(b.table),
                ActorModel.sessionId(a, day, 902),
                false);
    }

    private void newAccount(ScenarioSpec s, SplittableRandom rng, Builder b, int index) {
        String name = s.account() != null
                ? s.account()
                : NEW_ACCOUNT_NAMES[index % NEW_ACCOUNT_NAMES.length]
                        + (index >= NEW_ACCOUNT_NAMES.length ? "_" + index : "");
        // Office range, but an address no normal account uses; unresolved host, as a fresh laptop would be.
        Account a = new Account(name, Account.Role.INTRUDER, "10.20.250." + (10 + index % 200), null, 0, 1_000 + index);
        int day = day(s, rng, 1, true);
        Instant start = start(s, day, 10 + rng.nextDouble() * 6);
        long rows = rowsOr(s, 500_000);
        dump(
                b,
                a,
                start,
                Duration.ofMinutes(60 + rng.nextInt(121)),
                rows,
                10_000,
                Fingerprints.offsetDump(b.table),
                ActorModel.sessionId(a, day, 0),
                true);
    }

    private void multiAccount(ScenarioSpec s, SplittableRandom rng, Builder b) {
        int day = day(s, rng, 1, false);
        double evening = 19 + rng.nextDouble() * 2;
        long total = rowsOr(s, tables.rows(b.table, day));
        long third = total / 3;
        for (int k = 0; k < 3; k++) {
            Account a = k == 0 ? victim(s, rng, Account.Role.ANALYST) : victim(null, rng, Account.Role.ANALYST);
            Instant start = s.timeOfDay() != null && k == 0
                    ? cal.at(day, s.timeOfDay())
                    : cal.at(day, evening + rng.nextDouble() * 0.5);
            long rows = k == 2 ? total - 2 * third : third;
            b.beginAccount();
            dumpFrom(
                    b,
                    a,
                    start,
                    Duration.ofMinutes(20 + rng.nextInt(41)),
                    rows,
                    20_000,
                    Fingerprints.keysetChunk(b.table),
                    ActorModel.sessionId(a, day, 903),
                    k * third,
                    false);
        }
    }

    private void readThenEgress(ScenarioSpec s, SplittableRandom rng, Builder b, int index) {
        Account a = victim(s, rng, Account.Role.ANALYST);
        int day = day(s, rng, 1, true);
        Instant start = start(s, day, 10 + rng.nextDouble() * 8);
        long rows = rowsOr(s, 300_000 + rng.nextLong(500_001));
        Duration readSpan = Duration.ofMinutes(10 + rng.nextInt(21));
        dump(
                b,
                a,
                start,
                readSpan,
                rows,
                25_000,
                Fingerprints.offsetDump(b.table),
                ActorModel.sessionId(a, day, 904),
                true);
        Destination target = Destinations.exfiltrationTarget(index);
        long bytes = rows * TableCatalog.BYTES_PER_ROW;
        int flows = 5 + rng.nextInt(16);
        Instant t = start.plus(readSpan).plus(Duration.ofMinutes(5 + rng.nextInt(26)));
        upload(b, a, t, target, bytes, flows, rng);
    }

    private void nightRead(ScenarioSpec s, SplittableRandom rng, Builder b, int index) {
        Account a = victim(s, rng, Account.Role.ANALYST);
        String table = s.table() != null
                ? b.table
                : tables.sensitive().get(tables.sensitive().size() - 1);
        Builder cards = b.onTable(table);
        int day = day(s, rng, 1, false);
        Instant start = start(s, day, 0.5 + rng.nextDouble() * 3.5);
        long rows = rowsOr(s, 1_500 + rng.nextLong(7_501));
        Duration span = Duration.ofMinutes(20 + rng.nextInt(21));
        dump(
                cards,
                a,
                start,
                span,
                rows,
                100 + rng.nextInt(401),
                Fingerprints.keysetChunk(table),
                ActorModel.sessionId(a, day, 905),
                false);
        upload(
                cards,
                a,
                start.plus(span).plus(Duration.ofMinutes(5 + rng.nextInt(26))),
                Destinations.exfiltrationTarget(index),
                5_000_000L + rng.nextLong(15_000_001L),
                3 + rng.nextInt(6),
                rng);
    }

    private void slowDrift(ScenarioSpec s, SplittableRandom rng, Builder b) {
        Account a = victim(s, rng, Account.Role.ANALYST);
        int workingDays = 5;
        int first = day(s, rng, Math.min(cal.days(), workingDays + 2), true);
        long perHour = s.rows() != null ? Math.max(1, s.rows() / (workingDays * 8L)) : 150 + rng.nextLong(451);
        String fp = Fingerprints.memberDetail(b.table);
        b.beginAccount();
        int worked = 0;
        for (int d = first; d < cal.days() && worked < workingDays; d++) {
            if (cal.isWeekend(d)) {
                continue;
            }
            worked++;
            String session = ActorModel.sessionId(a, d, 906);
            for (int hour = 9; hour < 17; hour++) {
                // A few statements per hour at random minutes, together perHour rows.
                int statements = 2 + rng.nextInt(3);
                List<Double> at = new ArrayList<>();
                for (int k = 0; k < statements; k++) {
                    at.add(hour + rng.nextDouble());
                }
                at.sort(Comparator.naturalOrder());
                long done = 0;
                for (int k = 0; k < statements; k++) {
                    long n = k == statements - 1 ? perHour - done : perHour / statements;
                    b.read(a, cal.at(d, at.get(k)), fp, n, n, session);
                    done += n;
                }
            }
        }
    }

    private void concurrentReaders(ScenarioSpec s, SplittableRandom rng, Builder b) {
        int day = day(s, rng, 1, true);
        Instant start = start(s, day, 10 + rng.nextDouble() * 5);
        int accounts = 4 + rng.nextInt(5);
        Duration span = Duration.ofMinutes(45 + rng.nextInt(76));
        for (int k = 0; k < accounts; k++) {
            Account a = k == 0 ? victim(s, rng, Account.Role.ANALYST) : victim(null, rng, Account.Role.ANALYST);
            long perFiveMinutes = 600 + rng.nextLong(901);
            Instant from = start.plusMillis(rng.nextLong(Duration.ofMinutes(5).toMillis()));
            long rows = perFiveMinutes * span.toMinutes() / 5;
            // One statement a minute: the rate of someone paging through results.
            dump(
                    b,
                    a,
                    from,
                    span,
                    rows,
                    (int) Math.max(1, perFiveMinutes / 5),
                    Fingerprints.memberDetail(b.table),
                    ActorModel.sessionId(a, day, 907),
                    false);
        }
    }

    private void smallReadEgress(ScenarioSpec s, SplittableRandom rng, Builder b, int index) {
        Account a = victim(s, rng, Account.Role.ANALYST);
        int day = day(s, rng, 1, true);
        Instant start = start(s, day, 10 + rng.nextDouble() * 6);
        long rows = rowsOr(s, 2_000 + rng.nextLong(7_001));
        Duration span = Duration.ofMinutes(5 + rng.nextInt(16));
        dump(
                b,
                a,
                start,
                span,
                rows,
                200 + rng.nextInt(801),
                Fingerprints.memberDetail(b.table),
                ActorModel.sessionId(a, day, 908),
                false);
        upload(
                b,
                a,
                start.plus(span).plus(Duration.ofMinutes(5 + rng.nextInt(26))),
                Destinations.exfiltrationTarget(index),
                2_000_000L + rng.nextLong(18_000_001L),
                2 + rng.nextInt(7),
                rng);
    }

    private void firstDayEgress(ScenarioSpec s, SplittableRandom rng, Builder b, int index) {
        Account usual = victim(s, rng, Account.Role.ANALYST);
        // The same person on a workstation that has never sent a byte: its first day of egress history.
        Account a = new Account(
                usual.name(),
                usual.role(),
                "10.20.251." + (10 + index % 200),
                "ws-new-" + usual.name() + ".corp.coop.example",
                usual.firstDay(),
                usual.index());
        int day = day(s, rng, 1, true);
        Instant start = start(s, day, 10 + rng.nextDouble() * 6);
        long rows = rowsOr(s, 100_000 + rng.nextLong(400_001));
        Duration span = Duration.ofMinutes(10 + rng.nextInt(21));
        dump(
                b,
                a,
                start,
                span,
                rows,
                25_000,
                Fingerprints.offsetDump(b.table),
                ActorModel.sessionId(a, day, 909),
                true);
        upload(
                b,
                a,
                start.plus(span).plus(Duration.ofMinutes(5 + rng.nextInt(26))),
                Destinations.exfiltrationTarget(index),
                50_000_000L + rng.nextLong(150_000_001L),
                5 + rng.nextInt(16),
                rng);
    }

    /** Benign: the analyst's own workload, 6-9 hours later on five working days. Rows 0: nothing is taken. */
    private void lateShift(ScenarioSpec s, SplittableRandom rng, Builder b) {
        Account a = victim(s, rng, Account.Role.ANALYST);
        int first = day(s, rng, Math.min(cal.days(), 7), true);
        double hoursLater = 6 + rng.nextDouble() * 3;
        TreeMap<Integer, Double> days = new TreeMap<>();
        for (int d = first; d < cal.days() && days.size() < 5; d++) {
            if (!cal.isWeekend(d)) {
                days.put(d, hoursLater);
            }
        }
        lateDays.merge(a.name(), days, (x, y) -> {
            Map<Integer, Double> both = new TreeMap<>(x);
            both.putAll(y);
            return both;
        });
        int last = days.lastKey();
        // The working day runs 08:00-18:00 before the analyst's own shift of at most +0.75 h.
        b.label(a, cal.at(first, 7.5 + hoursLater), cal.at(last, 18.75 + hoursLater));
    }

    /** Benign: many analysts read the member table for reports on the period's last working day. */
    private void periodEnd(ScenarioSpec s, SplittableRandom rng, Builder b) {
        int day = s.day() != null ? day(s, rng, 1, true) : lastWorkingDay();
        int accounts = 8 + rng.nextInt(9);
        for (int k = 0; k < accounts; k++) {
            Account a = k == 0 ? victim(s, rng, Account.Role.ANALYST) : victim(null, rng, Account.Role.ANALYST);
            long rows = 3_000 + rng.nextLong(9_001);
            int statements = 3 + rng.nextInt(6);
            List<Double> at = new ArrayList<>();
            for (int i = 0; i < statements; i++) {
                at.add(9 + rng.nextDouble() * 8);
            }
            at.sort(Comparator.naturalOrder());
            b.beginAccount();
            String session = ActorModel.sessionId(a, day, 910);
            long done = 0;
            for (int i = 0; i < statements; i++) {
                long n = i == statements - 1 ? rows - done : rows / statements;
                b.read(a, cal.at(day, at.get(i)), Fingerprints.report(b.table), n, n * 2, session);
                done += n;
            }
        }
    }

    private int lastWorkingDay() {
        int d = cal.days() - 1;
        while (d > 0 && cal.isWeekend(d)) {
            d--;
        }
        return d;
    }

    /** An upload of {@code bytes} in {@code flows} flows, 30-120 s apart, starting at {@code t}. */
    private static void upload(
            Builder b, Account a, Instant t, Destination target, long bytes, int flows, SplittableRandom rng) {
        long sent = 0;
        for (int i = 0; i < flows; i++) {
            long n = i == flows - 1 ? bytes - sent : bytes / flows;
            b.egress(a, t, target, n, 2_000 + rng.nextInt(8_000));
            sent += n;
            t = t.plusSeconds(30 + rng.nextInt(91));
        }
    }

    private void dump(
            Builder b,
            Account a,
            Instant start,
            Duration span,
            long rows,
            int chunk,
            String fp,
            String session,
            boolean offsetScan) {
        b.beginAccount();
        dumpFrom(b, a, start, span, rows, chunk, fp, session, 0, offsetScan);
    }

    /** Evenly spaced chunks; an OFFSET scan examines every row it skips, a keyset scan does not. */
    private void dumpFrom(
            Builder b,
            Account a,
            Instant start,
            Duration span,
            long rows,
            int chunk,
            String fp,
            String session,
            long firstOffset,
            boolean offsetScan) {
        long statements = Math.max(1, (rows + chunk - 1) / chunk);
        long step = span.toMillis() / statements;
        long offset = firstOffset;
        for (long i = 0; i < statements; i++) {
            long n = Math.min(chunk, rows - (offset - firstOffset));
            b.read(a, start.plusMillis(i * step), fp, n, offsetScan ? offset + n : n, session);
            offset += n;
        }
    }

    private Account victim(ScenarioSpec s, SplittableRandom rng, Account.Role role) {
        if (s != null && s.account() != null) {
            return roster.stream()
                    .filter(a -> a.name().equals(s.account()))
                    .findFirst()
                    .orElseThrow(() ->
                            new IllegalArgumentException("scenario account not in the population: " + s.account()));
        }
        Predicate<Account> fits = a -> a.role() == role && a.firstDay() == 0;
        List<Account> fresh = roster.stream()
                .filter(fits)
                .filter(a -> !used.contains(a.name()))
                .toList();
        List<Account> pool = fresh.isEmpty() ? roster.stream().filter(fits).toList() : fresh;
        if (pool.isEmpty()) {
            throw new IllegalArgumentException("the population has no " + role + " account for a scenario");
        }
        Account a = pool.get(rng.nextInt(pool.size()));
        used.add(a.name());
        return a;
    }

    private int day(ScenarioSpec s, SplittableRandom rng, int spanDays, boolean weekday) {
        int last = Math.max(0, cal.days() - spanDays);
        if (s.day() != null) {
            int d = s.day() < 0 ? cal.days() + s.day() : s.day();
            return Math.max(0, Math.min(last, d));
        }
        int first = Math.max(0, Math.min(last, cal.days() - spec.scenarioWindowDays()));
        int d = first;
        for (int tries = 0; tries < 30; tries++) {
            d = first + rng.nextInt(last - first + 1);
            if (!weekday || !cal.isWeekend(d)) {
                break;
            }
        }
        return d;
    }

    private Instant start(ScenarioSpec s, int day, double defaultHour) {
        return s.timeOfDay() != null ? cal.at(day, s.timeOfDay()) : cal.at(day, defaultHour);
    }

    private static long rowsOr(ScenarioSpec s, long dflt) {
        return s.rows() != null ? s.rows() : dflt;
    }

    /** Collects one scenario's events and derives a truth entry per account from them. */
    private static final class Builder {
        final String id;
        final ScenarioKind kind;
        final String table;
        final List<SimEvent> events;
        private final List<List<SimEvent>> perAccount;
        private final List<TruthEntry> labels;

        Builder(String id, ScenarioKind kind, String table) {
            this(id, kind, table, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        private Builder(
                String id,
                ScenarioKind kind,
                String table,
                List<SimEvent> events,
                List<List<SimEvent>> perAccount,
                List<TruthEntry> labels) {
            this.id = id;
            this.kind = kind;
            this.table = table;
            this.events = events;
            this.perAccount = perAccount;
            this.labels = labels;
        }

        /** The same scenario, reading another table (its events and truth are shared with this builder). */
        Builder onTable(String other) {
            return new Builder(id, kind, other, events, perAccount, labels);
        }

        /** A truth entry with no events of its own: a look-alike the account's model generates. */
        void label(Account a, Instant start, Instant end) {
            labels.add(new TruthEntry(id, kind, a.name(), table, start, end, a.clientIp(), null, 0));
        }

        void beginAccount() {
            perAccount.add(new ArrayList<>());
        }

        private List<SimEvent> current() {
            if (perAccount.isEmpty()) {
                beginAccount();
            }
            return perAccount.get(perAccount.size() - 1);
        }

        void read(Account a, Instant t, String fp, long rows, long examined, String session) {
            SimEvent e = EventFactory.read(a, t, fp, List.of(table), rows, examined, session);
            events.add(e);
            current().add(e);
        }

        void egress(Account a, Instant t, Destination d, long out, long in) {
            SimEvent e = EventFactory.flow(a, t, d, out, in);
            events.add(e);
            current().add(e);
        }

        List<TruthEntry> truth() {
            List<TruthEntry> out = new ArrayList<>(labels);
            for (List<SimEvent> evs : perAccount) {
                if (evs.isEmpty()) {
                    continue;
                }
                Instant start = evs.stream()
                        .map(SimEvent::time)
                        .min(Comparator.naturalOrder())
                        .orElseThrow();
                Instant end = evs.stream()
                        .map(SimEvent::time)
                        .max(Comparator.naturalOrder())
                        .orElseThrow();
                long rows = 0;
                String account = null;
                String ip = null;
                String dst = null;
                for (SimEvent e : evs) {
                    if (e instanceof SimEvent.Db db) {
                        rows += db.event().getRowsReturned();
                        account = db.event().getAccount();
                        ip = db.event().getClientIp();
                    } else if (e instanceof SimEvent.Egress eg) {
                        dst = eg.event().getDstIp();
                    }
                }
                out.add(new TruthEntry(id, kind, account, tableOf(evs), start, end, ip, dst, rows));
            }
            return out;
        }

        /** The table the account's reads name (a scenario reads one table per account). */
        private String tableOf(List<SimEvent> evs) {
            for (SimEvent e : evs) {
                if (e instanceof SimEvent.Db db) {
                    return db.event().getTables().get(0);
                }
            }
            return table;
        }
    }
}
