package org.exfilguard.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Builds the accounts of a population: stable names, client addresses (10.x) and host names. */
final class Roster {
    private static final String[] SURNAMES = {
        "doe", "smith", "jones", "patel", "nguyen", "garcia", "brown", "wilson", "taylor", "khan",
        "murphy", "kowalski", "rossi", "martin", "clarke", "evans", "walker", "wright", "hughes", "green",
        "lewis", "wood", "harris", "baker", "hall", "young", "allen", "king", "scott", "turner",
        "hill", "moore", "ward", "morris", "price", "bell", "cook", "reed", "kelly", "bailey",
        "cooper", "fisher", "mason", "shaw", "hunt", "ellis", "grant", "lloyd", "palmer", "webb"
    };
    private static final String INITIALS = "jabcdefghkmnprstlvw";
    private static final String[] SERVICES = {"svc_shop_app", "svc_loyalty", "svc_pricing", "svc_marketing"};
    private static final String[] EXPORTERS = {"etl_weekly_export", "etl_partner_feed", "etl_finance_extract"};
    private static final String[] DBAS = {"dba_ops", "dba_oncall"};

    private Roster() {}

    static List<Account> build(SimulationSpec spec) {
        Population p = spec.population();
        List<Account> list = new ArrayList<>();
        List<String> personNames = personNames(p.analysts() + p.newJoiners());
        SplittableRandom rng = new SplittableRandom(Seeds.mix(spec.seed(), 0x905_7E2L));
        int days = spec.days();
        for (int i = 0; i < p.analysts() + p.newJoiners(); i++) {
            String name = personNames.get(i);
            int firstDay = 0;
            if (i >= p.analysts()) {
                firstDay = Math.min(days - 1, days / 3 + rng.nextInt(Math.max(1, days / 3)));
            }
            list.add(new Account(
                    name,
                    Account.Role.ANALYST,
                    "10.20." + (1 + i / 200) + "." + (10 + i % 200),
                    "ws-" + name + ".corp.coop.example",
                    firstDay,
                    list.size()));
        }
        for (int i = 0; i < p.serviceAccounts(); i++) {
            String name = i < SERVICES.length ? SERVICES[i] : "svc_app_" + (i + 1);
            list.add(new Account(
                    name,
                    Account.Role.SERVICE,
                    "10.10.1." + (10 + i),
                    String.format("app-%02d.prod.coop.example", i + 1),
                    0,
                    list.size()));
        }
        for (int i = 0; i < p.backupJobs(); i++) {
            String name = i == 0 ? "bkp_nightly" : "bkp_nightly_" + (i + 1);
            list.add(new Account(
                    name,
                    Account.Role.BACKUP,
                    "10.30.1." + (10 + i),
                    String.format("bkp-%02d.infra.coop.example", i + 1),
                    0,
                    list.size()));
        }
        for (int i = 0; i < p.weeklyExporters(); i++) {
            String name = i < EXPORTERS.length ? EXPORTERS[i] : "etl_export_" + (i + 1);
            list.add(new Account(
                    name,
                    Account.Role.EXPORTER,
                    "10.30.2." + (10 + i),
                    String.format("etl-%02d.infra.coop.example", i + 1),
                    0,
                    list.size()));
        }
        for (int i = 0; i < p.dbas(); i++) {
            String name = i < DBAS.length ? DBAS[i] : "dba_" + (i + 1);
            list.add(new Account(
                    name,
                    Account.Role.DBA,
                    "10.40.1." + (10 + i),
                    String.format("adm-%02d.corp.coop.example", i + 1),
                    0,
                    list.size()));
        }
        return List.copyOf(list);
    }

    /** Deterministic, unique "initial + surname" names; the first is always "jdoe". */
    static List<String> personNames(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; names.size() < n; i++) {
            String base = INITIALS.charAt(i % INITIALS.length()) + SURNAMES[i % SURNAMES.length];
            String name = names.contains(base) ? base + (i / SURNAMES.length + 1) : base;
            names.add(name);
        }
        return names;
    }
}
