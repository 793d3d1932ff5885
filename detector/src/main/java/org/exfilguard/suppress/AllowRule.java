package org.exfilguard.suppress;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * One allow-list entry: which alerts it suppresses, when, until when, why and who answers for it. Every set field
 * must hold (they combine with AND); an unset field matches anything. A rule must name at least one of account,
 * table, host or destination, so that no single entry can silence the detector.
 *
 * <p>Host and destination are judged against every address of the alert: a rule for the backup host does not
 * suppress an alert whose reads also came from elsewhere, and a destination rule needs egress evidence whose every
 * destination lies inside it.
 */
public final class AllowRule {

    private final String id;
    private final NamePattern account;
    private final NamePattern table;
    private final IpRange host;
    private final IpRange destination;
    private final RecurringWindow window;
    private final MaintenanceWindow maintenance;
    private final Instant expires;
    private final String reason;
    private final String owner;

    private AllowRule(Builder b) {
        this.id = b.id;
        this.account = b.account;
        this.table = b.table;
        this.host = b.host;
        this.destination = b.destination;
        this.window = b.window;
        this.maintenance = b.maintenance;
        this.expires = b.expires;
        this.reason = b.reason;
        this.owner = b.owner;
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** True when every field the rule sets holds for the candidate at its event time. */
    public boolean matches(Candidate c) {
        Instant at = c.eventTime();
        return !expiredAt(at)
                && (account == null || account.matches(c.account()))
                && (table == null || table.matches(c.table()))
                && (host == null || allInside(host, c.clientIps()))
                && (destination == null || allInside(destination, c.destinationIps()))
                && (window == null || window.contains(at))
                && (maintenance == null || maintenance.contains(at));
    }

    /** Expiry is judged by event time, so a replay of old logs is suppressed exactly as it was live. */
    public boolean expiredAt(Instant eventTime) {
        return expires != null && !eventTime.isBefore(expires);
    }

    /** The host block, when the rule narrows nothing else (no account, table or destination that names anything). */
    Optional<IpRange> onlyHost() {
        return host != null
                        && !host.matchesEverything()
                        && unnamed(account)
                        && unnamed(table)
                        && (destination == null || destination.matchesEverything())
                ? Optional.of(host)
                : Optional.empty();
    }

    /** The destination block, when the rule narrows nothing else. */
    Optional<IpRange> onlyDestination() {
        return destination != null
                        && !destination.matchesEverything()
                        && unnamed(account)
                        && unnamed(table)
                        && (host == null || host.matchesEverything())
                ? Optional.of(destination)
                : Optional.empty();
    }

    private static boolean unnamed(NamePattern pattern) {
        return pattern == null || pattern.matchesEverything();
    }

    /** What a reader of the file should hear about: a rule already expired, a block written with host bits. */
    List<String> warnings(Instant now) {
        List<String> warnings = new java.util.ArrayList<>();
        if (expires != null && !now.isBefore(expires)) {
            warnings.add("rule '" + id + "' expired at " + expires
                    + ": it no longer suppresses new alerts (only events before then)");
        }
        for (IpRange range : java.util.Arrays.asList(host, destination)) {
            if (range != null && range.hostBitsSet()) {
                warnings.add("rule '" + id + "': " + (range == host ? "host " : "destination ") + range
                        + " has host bits set; it is read as " + range.canonical());
            }
        }
        return warnings;
    }

    private static boolean allInside(IpRange range, List<String> ips) {
        return !ips.isEmpty() && ips.stream().allMatch(range::contains);
    }

    public String id() {
        return id;
    }

    public String reason() {
        return reason;
    }

    public String owner() {
        return owner;
    }

    public Optional<String> account() {
        return Optional.ofNullable(account).map(NamePattern::toString);
    }

    /** The table pattern as matched, lower case; a bare name is shown as {@code *.name}. */
    public Optional<String> table() {
        return Optional.ofNullable(table).map(NamePattern::toString);
    }

    public Optional<String> host() {
        return Optional.ofNullable(host).map(IpRange::toString);
    }

    public Optional<String> destination() {
        return Optional.ofNullable(destination).map(IpRange::toString);
    }

    public Optional<RecurringWindow> window() {
        return Optional.ofNullable(window);
    }

    public Optional<MaintenanceWindow> maintenance() {
        return Optional.ofNullable(maintenance);
    }

    public Optional<Instant> expires() {
        return Optional.ofNullable(expires);
    }

    @Override
    public String toString() {
        StringJoiner s = new StringJoiner(", ", "AllowRule[", "]");
        s.add("id=" + id);
        account().ifPresent(v -> s.add("account=" + v));
        table().ifPresent(v -> s.add("table=" + v));
        host().ifPresent(v -> s.add("host=" + v));
        destination().ifPresent(v -> s.add("destination=" + v));
        window().ifPresent(v -> s.add("window=" + v));
        maintenance().ifPresent(v -> s.add("maintenance=" + v));
        expires().ifPresent(v -> s.add("expires=" + v));
        s.add("owner=" + owner);
        return s.toString();
    }

    /**
     * Builds a rule from the texts of its fields. Each setter throws {@link IllegalArgumentException} naming what
     * is wrong with its value, so that a file parser can prefix the rule and field.
     */
    public static final class Builder {

        private final String id;
        private NamePattern account;
        private NamePattern table;
        private IpRange host;
        private IpRange destination;
        private RecurringWindow window;
        private MaintenanceWindow maintenance;
        private Instant expires;
        private String reason;
        private String owner;

        private Builder(String id) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("a rule needs an id");
            }
            this.id = id.strip();
        }

        /** An account name, or a glob such as {@code svc_*}; compared case-sensitively. */
        public Builder account(String accountOrGlob) {
            this.account = NamePattern.account(accountOrGlob);
            return this;
        }

        /** {@code db.table} or a glob such as {@code coop.*}; case-insensitive; {@code *} is any table. */
        public Builder table(String tableOrGlob) {
            this.table = NamePattern.table(tableOrGlob);
            return this;
        }

        /** A client address or CIDR block. */
        public Builder host(String ipOrCidr) {
            this.host = IpRange.parse(ipOrCidr);
            return this;
        }

        /** An egress destination address or CIDR block. */
        public Builder destination(String ipOrCidr) {
            this.destination = IpRange.parse(ipOrCidr);
            return this;
        }

        /** A weekly window in UTC: {@code window("MON-SUN", "01:30", "03:30")}. */
        public Builder window(String days, String from, String to) {
            return window(RecurringWindow.of(
                    RecurringWindow.parseDays(days), RecurringWindow.parseTime(from), RecurringWindow.parseTime(to)));
        }

        public Builder window(RecurringWindow recurring) {
            this.window = recurring;
            return this;
        }

        public Builder maintenance(Instant from, Instant until) {
            this.maintenance = new MaintenanceWindow(from, until);
            return this;
        }

        /** The event time from which the rule no longer applies. */
        public Builder expires(Instant expiry) {
            this.expires = expiry;
            return this;
        }

        public Builder reason(String why) {
            this.reason = requireText(why, "reason");
            return this;
        }

        public Builder owner(String who) {
            this.owner = requireText(who, "owner");
            return this;
        }

        /** @throws IllegalArgumentException when reason or owner is missing, or the rule would match everyone */
        public AllowRule build() {
            if (reason == null) {
                throw new IllegalArgumentException("rule '" + id + "' needs a reason");
            }
            if (owner == null) {
                throw new IllegalArgumentException("rule '" + id + "' needs an owner");
            }
            boolean constrained = (account != null && !account.matchesEverything())
                    || (table != null && !table.matchesEverything())
                    || (host != null && !host.matchesEverything())
                    || (destination != null && !destination.matchesEverything());
            if (!constrained) {
                throw new IllegalArgumentException("rule '" + id + "' would suppress every alert: it must name at "
                        + "least one account, table, host or destination (a pattern of only '*' and '?' such as "
                        + "'?*' or '*.*', or a /0 block, does not count)");
            }
            return new AllowRule(this);
        }

        private static String requireText(String value, String field) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(field + " must not be empty");
            }
            return value.strip();
        }
    }
}
