package org.exfilguard.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;

/**
 * Generates a labelled workload, deterministic for its spec (seed included), as one event-time-ordered
 * stream. Each account's generator yields one day at a time and a priority queue merges them, so weeks of
 * events are never held in memory: only one day per account plus the (small) injected scenarios.
 */
public final class WorkloadSimulator {
    private final SimulationSpec spec;
    private final SimCalendar cal;
    private final List<Account> accounts;
    private final List<ActorModel> models;
    private final ScenarioPlanner.Plan plan;

    public WorkloadSimulator(SimulationSpec spec) {
        this.spec = spec;
        this.cal = new SimCalendar(spec);
        TableCatalog tables = new TableCatalog(spec);
        this.accounts = Roster.build(spec);
        this.models = new ArrayList<>();
        Map<String, ServiceAccountModel> services = new LinkedHashMap<>();
        for (Account a : accounts) {
            ActorModel m = switch (a.role()) {
                case ANALYST -> new AnalystModel(a, cal, tables, spec.seed());
                case SERVICE -> new ServiceAccountModel(a, cal, tables, spec.seed(), spec.population());
                case BACKUP -> new BackupJobModel(a, cal, tables);
                case EXPORTER -> new WeeklyExporterModel(a, cal, tables, spec.seed());
                case DBA -> new DbaModel(a, cal, tables, spec.seed());
                case INTRUDER -> throw new IllegalStateException("intruders are injected, not rostered");
            };
            if (m instanceof ServiceAccountModel s) {
                services.put(a.name(), s);
            }
            models.add(m);
        }
        this.plan = new ScenarioPlanner(spec, cal, tables, accounts, services).plan();
        // A late shift changes when an analyst's own workload happens, so its model, not the planner, makes it.
        models.replaceAll(m -> m instanceof AnalystModel analyst
                        && plan.lateDays().containsKey(m.account().name())
                ? analyst.withLateDays(plan.lateDays().get(m.account().name()))
                : m);
    }

    public SimulationSpec spec() {
        return spec;
    }

    /** The rostered accounts (accounts created by NEW_ACCOUNT scenarios appear only in the truth). */
    public List<Account> accounts() {
        return accounts;
    }

    /** One entry per (scenario, account), ordered by start. Known before any event is generated. */
    public List<TruthEntry> truth() {
        return plan.truth();
    }

    /** A fresh iterator over all events in event-time order; every call replays the same sequence. */
    public Iterator<SimEvent> events() {
        List<Iterator<SimEvent>> sources = new ArrayList<>();
        for (ActorModel m : models) {
            sources.add(new DaySource(m));
        }
        sources.add(plan.events().iterator());
        return new Merge(sources);
    }

    public Stream<SimEvent> stream() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(events(), Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    public void forEach(Consumer<? super SimEvent> sink) {
        events().forEachRemaining(sink);
    }

    /** Dispatches every event, in order, to the consumer of its type. */
    public void forEach(Consumer<? super DbAccessEvent> db, Consumer<? super EgressEvent> egress) {
        Iterator<SimEvent> it = events();
        while (it.hasNext()) {
            SimEvent e = it.next();
            if (e instanceof SimEvent.Db d) {
                db.accept(d.event());
            } else if (e instanceof SimEvent.Egress g) {
                egress.accept(g.event());
            }
        }
    }

    /** Lazily yields one actor's days in order. */
    private final class DaySource implements Iterator<SimEvent> {
        private final ActorModel model;
        private int nextDay;
        private List<SimEvent> current = Collections.emptyList();
        private int pos;

        DaySource(ActorModel model) {
            this.model = model;
        }

        @Override
        public boolean hasNext() {
            while (pos >= current.size() && nextDay < cal.days()) {
                int day = nextDay++;
                current = model.day(
                        day,
                        new SplittableRandom(
                                Seeds.mix(spec.seed(), model.account().index(), day)));
                pos = 0;
            }
            return pos < current.size();
        }

        @Override
        public SimEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.get(pos++);
        }
    }

    /** K-way merge; ties break on source order, then arrival, so the output is fully deterministic. */
    private static final class Merge implements Iterator<SimEvent> {
        private record Head(SimEvent event, int source, long seq) {}

        private final List<Iterator<SimEvent>> sources;
        private final PriorityQueue<Head> queue = new PriorityQueue<>((x, y) -> {
            int c = x.event.time().compareTo(y.event.time());
            if (c != 0) {
                return c;
            }
            c = Integer.compare(x.source, y.source);
            return c != 0 ? c : Long.compare(x.seq, y.seq);
        });
        private long seq;

        Merge(List<Iterator<SimEvent>> sources) {
            this.sources = sources;
            for (int i = 0; i < sources.size(); i++) {
                advance(i);
            }
        }

        private void advance(int source) {
            Iterator<SimEvent> it = sources.get(source);
            if (it.hasNext()) {
                queue.add(new Head(it.next(), source, seq++));
            }
        }

        @Override
        public boolean hasNext() {
            return !queue.isEmpty();
        }

        @Override
        public SimEvent next() {
            Head h = queue.poll();
            if (h == null) {
                throw new NoSuchElementException();
            }
            advance(h.source);
            return h.event;
        }
    }
}
