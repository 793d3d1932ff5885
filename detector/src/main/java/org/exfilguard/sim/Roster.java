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
    private static final String[] BACKUPS = {"bkp_nightly"};

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
        machines(list, p.serviceAccounts(), Account.Role.SERVICE, SERVICES, "svc_app_", "10.10.1.", "app-%02d.prod");
        machines(list, p.backupJobs(), Account.Role.BACKUP, BACKUPS, "bkp_nightly_", "10.30.1.", "bkp-%02d.infra");
        machines(
                list,
                p.weeklyExporters(),
                Account.Role.EXPORTER,
                EXPORTERS,
                "etl_export_",
                "10.30.2.",
                "etl-%02d.infra");
        machines(list, p.dbas(), Account.Role.DBA, DBAS, "dba_", "10.40.1.", "adm-%02d.corp");
        return List.copyOf(list);
    }

    /**
     * {@code count} accounts of one role on machines: the i-th named from {@code names}, or {@code fallback} and its
     * number past them; its address {@code subnet}(10 + i), its host {@code host} (numbered) in coop.example.
     */
    private static void machines(
            List<Account> list,
            int count,
            Account.Role role,
            String[] names,
            String fallback,
            String subnet,
            String host) {
        for (int i = 0; i < count; i++) {
            String name = i < names.length ? names[i] : fallback + (i + 1);
            list.add(new Account(
                    name, role, subnet + (10 + i), String.format(host + ".coop.example", i + 1), 0, list.size()));
        }
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
