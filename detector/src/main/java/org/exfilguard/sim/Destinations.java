package org.exfilguard.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.exfilguard.sim.EventFactory.Destination;

/**
 * External endpoints. Normal traffic goes to a stable set of SaaS hosts and known partners; extraction
 * uploads go to addresses none of the normal traffic ever uses. All addresses are in the documentation
 * ranges (RFC 5737), so no simulated flow names a real host.
 */
final class Destinations {
    static final Destination BACKUP_TARGET = new Destination("198.51.100.250", "vault.backup-provider.example", 443);
    static final Destination PARTNER_SFTP = new Destination("198.51.100.240", "sftp.partner-logistics.example", 22);
    static final Destination PAYMENT_API = new Destination("203.0.113.20", "api.payments.example", 443);

    private static final String[] SAAS = {
        "login.office-suite.example",
        "mail.office-suite.example",
        "files.office-suite.example",
        "crm.saas-crm.example",
        "api.saas-crm.example",
        "chat.teamchat.example",
        "cdn.teamchat.example",
        "docs.wiki-host.example",
        "tickets.helpdesk.example",
        "status.cloud-status.example",
        "analytics.bi-tool.example",
        "updates.os-vendor.example",
        "telemetry.os-vendor.example",
        "repo.package-mirror.example",
        "meet.video-calls.example",
        "sso.identity.example",
        "maps.geo-service.example",
        "news.industry-news.example",
        "hr.payroll.example",
        "cal.office-suite.example"
    };

    static final List<Destination> SAAS_DESTINATIONS = saas();

    private Destinations() {}

    private static List<Destination> saas() {
        List<Destination> list = new ArrayList<>();
        for (int i = 0; i < SAAS.length; i++) {
            String ip = i % 2 == 0 ? "198.51.100." + (10 + i) : "203.0.113." + (30 + i);
            list.add(new Destination(ip, SAAS[i], 443));
        }
        return List.copyOf(list);
    }

    /** A stable per-host subset of the SaaS destinations. */
    static List<Destination> habitualSet(SplittableRandom rng) {
        List<Destination> pool = new ArrayList<>(SAAS_DESTINATIONS);
        int n = 5 + rng.nextInt(4);
        List<Destination> chosen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            chosen.add(pool.remove(rng.nextInt(pool.size())));
        }
        return List.copyOf(chosen);
    }

    /** A never-seen upload target: outside every normal destination. */
    static Destination exfiltrationTarget(int n) {
        return new Destination("203.0.113." + (200 + (n % 50)), null, 443);
    }
}
