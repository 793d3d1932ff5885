package org.exfilguard.sim;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything that decides a simulated workload. Two specs that are equal produce byte-identical output.
 *
 * @param start              first instant simulated (its local date is day 0)
 * @param zone               zone of the organisation's working hours
 * @param memberRows         rows of the first sensitive table on day 0; 0 draws 1.5-2.5M from the seed
 * @param scenarioWindowDays scenarios without a fixed day are placed in this many last days
 */
public record SimulationSpec(
        long seed,
        Instant start,
        int days,
        ZoneId zone,
        Population population,
        List<String> sensitiveTables,
        List<String> otherTables,
        long memberRows,
        List<ScenarioSpec> scenarios,
        int scenarioWindowDays) {

    public static final List<String> DEFAULT_SENSITIVE_TABLES = List.of("coop.members", "coop.member_cards");
    public static final List<String> DEFAULT_OTHER_TABLES =
            List.of("coop.orders", "coop.products", "coop.stores", "shop.sessions", "shop.baskets");
    /** The analyst who runs the demo's smash-and-grab. */
    public static final String DEMO_CULPRIT = "jdoe";
    /** The kinds of the standard preset, in its order; later kinds are added to the extended preset only. */
    public static final List<ScenarioKind> STANDARD_KINDS = List.of(
            ScenarioKind.SMASH_AND_GRAB,
            ScenarioKind.LOW_AND_SLOW,
            ScenarioKind.COMPROMISED_SERVICE,
            ScenarioKind.OFF_HOURS,
            ScenarioKind.NEW_ACCOUNT,
            ScenarioKind.MULTI_ACCOUNT,
            ScenarioKind.READ_THEN_EGRESS);
    /** A Monday, so the weekly export and the working week line up with day 0. */
    public static final Instant DEFAULT_START = Instant.parse("2026-03-02T00:00:00Z");

    public SimulationSpec {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(population, "population");
        if (days < 1) {
            throw new IllegalArgumentException("days must be at least 1");
        }
        if (sensitiveTables == null || sensitiveTables.isEmpty()) {
            throw new IllegalArgumentException("at least one sensitive table is needed");
        }
        sensitiveTables =
                sensitiveTables.stream().map(SimulationSpec::normaliseTable).toList();
        otherTables = otherTables == null
                ? List.of()
                : otherTables.stream().map(SimulationSpec::normaliseTable).toList();
        scenarios = scenarios == null ? List.of() : List.copyOf(scenarios);
        if (scenarioWindowDays < 1) {
            throw new IllegalArgumentException("scenarioWindowDays must be at least 1");
        }
    }

    private static String normaliseTable(String table) {
        String t = table.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.indexOf('.') <= 0 || t.endsWith(".")) {
            throw new IllegalArgumentException("table must be db.table: " + table);
        }
        return t;
    }

    /**
     * 14 days of normal work by 25 accounts (22 analysts, one service account, one nightly backup job, one
     * DBA), then one smash-and-grab of 1.2M {@code coop.members} rows by {@value #DEMO_CULPRIT} at 10:30 on
     * the last (15th) day. About 80k events. No weekly exporter: its export would fall on the last day (a
     * Monday) with only two earlier Mondays to learn from, and the demo should show one incident.
     */
    public static SimulationSpec demo() {
        Population population = new Population(22, 1, 1, 0, 1, 0, 800, 0.0);
        ScenarioSpec grab = new ScenarioSpec(
                ScenarioKind.SMASH_AND_GRAB, DEMO_CULPRIT, "coop.members", -1, LocalTime.of(10, 30), 1_200_000L);
        return new SimulationSpec(
                42L,
                DEFAULT_START,
                15,
                ZoneOffset.UTC,
                population,
                DEFAULT_SENSITIVE_TABLES,
                DEFAULT_OTHER_TABLES,
                1_800_000L,
                List.of(grab),
                1);
    }

    /**
     * 28 days, 60 accounts, every scenario kind twice at random moments in the last 14 days.
     * Around 1.6M events.
     */
    public static SimulationSpec standard(long seed) {
        Population population = new Population(44, 3, 2, 3, 2, 6, 2_000, 0.04);
        List<ScenarioSpec> scenarios = new ArrayList<>();
        for (ScenarioKind kind : STANDARD_KINDS) {
            scenarios.add(ScenarioSpec.random(kind));
            scenarios.add(ScenarioSpec.random(kind));
        }
        return new SimulationSpec(
                seed,
                DEFAULT_START,
                28,
                ZoneOffset.UTC,
                population,
                DEFAULT_SENSITIVE_TABLES,
                DEFAULT_OTHER_TABLES,
                0L,
                scenarios,
                14);
    }

    /**
     * The standard preset's organisation with 60 analysts, its scenarios, and every later kind: each
     * extraction kind twice and the benign look-alikes (two late shifts, one period end), all in the last 14
     * days, so a 7-day warm-up sees none of them. The new kinds draw their magnitudes from ranges, so a
     * detector cannot be tuned to one number.
     */
    public static SimulationSpec extended(long seed) {
        SimulationSpec standard = standard(seed);
        List<ScenarioSpec> scenarios = new ArrayList<>(standard.scenarios());
        for (ScenarioKind kind : ScenarioKind.values()) {
            if (STANDARD_KINDS.contains(kind)) {
                continue;
            }
            scenarios.add(ScenarioSpec.random(kind));
            if (kind != ScenarioKind.PERIOD_END) {
                scenarios.add(ScenarioSpec.random(kind));
            }
        }
        return standard.withPopulation(standard.population().withAnalysts(60)).withScenarios(scenarios);
    }

    public SimulationSpec withSeed(long newSeed) {
        return new SimulationSpec(
                newSeed,
                start,
                days,
                zone,
                population,
                sensitiveTables,
                otherTables,
                memberRows,
                scenarios,
                scenarioWindowDays);
    }

    public SimulationSpec withStart(Instant newStart) {
        return new SimulationSpec(
                seed,
                newStart,
                days,
                zone,
                population,
                sensitiveTables,
                otherTables,
                memberRows,
                scenarios,
                scenarioWindowDays);
    }

    /** Changes the length; the scenario window shrinks with it if needed. */
    public SimulationSpec withDays(int newDays) {
        return new SimulationSpec(
                seed,
                start,
                newDays,
                zone,
                population,
                sensitiveTables,
                otherTables,
                memberRows,
                scenarios,
                Math.min(scenarioWindowDays, newDays));
    }

    public SimulationSpec withPopulation(Population newPopulation) {
        return new SimulationSpec(
                seed,
                start,
                days,
                zone,
                newPopulation,
                sensitiveTables,
                otherTables,
                memberRows,
                scenarios,
                scenarioWindowDays);
    }

    public SimulationSpec withScenarios(List<ScenarioSpec> newScenarios) {
        return new SimulationSpec(
                seed,
                start,
                days,
                zone,
                population,
                sensitiveTables,
                otherTables,
                memberRows,
                newScenarios,
                scenarioWindowDays);
    }
}
