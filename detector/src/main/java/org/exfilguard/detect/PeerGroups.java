package org.exfilguard.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Peer groups from configuration: accounts whose names match a role pattern ({@code svc_*}, {@code bi_*}) are each
 * other's peers. A new account is judged against its group's peer baseline once the group has enough account-days,
 * else against the whole population's; every account-day counts in the population and, for a grouped account, in its
 * group. The first rule that matches an account names its group. Patterns: {@code *} any run of characters, {@code ?}
 * one, everything else literal; account names are compared exactly.
 */
public final class PeerGroups {

    /** The store prefix of a group's baselines: never the start of a table name. */
    static final String PREFIX = "group=";

    private record Rule(String group, String pattern, Pattern regex) {}

    private static final PeerGroups NONE = new PeerGroups(List.of());

    private final List<Rule> rules;

    private PeerGroups(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** No groups: every account is judged against the whole population. */
    public static PeerGroups none() {
        return NONE;
    }

    /**
     * Rules {@code group:account-pattern} (the {@code peer.groups} key), then the lines {@code group,account-pattern}
     * of a file ({@code fileName} names it in errors; blank lines and lines starting with {@code #} are skipped).
     * A bad entry or line is an {@link IllegalArgumentException} with a one-line message naming it.
     */
    public static PeerGroups parse(List<String> entries, String fileName, List<String> fileLines) {
        List<Rule> rules = new ArrayList<>();
        for (String entry : entries) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(
                        "peer.groups entry '" + entry + "': expected group:account-pattern, e.g. service:svc_*");
            }
            rules.add(rule(entry.substring(0, colon), entry.substring(colon + 1), "peer.groups entry '" + entry + "'"));
        }
        for (int i = 0; i < fileLines.size(); i++) {
            String line = fileLines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = fileName + ":" + (i + 1);
            String[] parts = line.split(",", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException(
                        where + ": expected group,account-pattern (e.g. service,svc_*), not '" + line + "'");
            }
            rules.add(rule(parts[0], parts[1], where));
        }
        return new PeerGroups(rules);
    }

    private static Rule rule(String group, String pattern, String where) {
        String g = group.strip();
        String p = pattern.strip();
        if (g.isEmpty() || !g.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_' || ch == '-')) {
            throw new IllegalArgumentException(where + ": group name '" + g + "' must be letters, digits, '_' or '-'");
        }
        if (p.isEmpty() || p.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(where + ": account pattern '" + p + "' must be one non-blank name");
        }
        return new Rule(g, p, glob(p));
    }

    private static Pattern glob(String text) {
        StringBuilder re = new StringBuilder();
        for (String part : text.split("(?=[*?])|(?<=[*?])")) {
            re.append(part.equals("*") ? ".*" : part.equals("?") ? "." : Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The account's group, or null when no rule matches it (judged against the whole population). */
    public String groupOf(String account) {
        for (Rule rule : rules) {
            if (rule.regex().matcher(account).matches()) {
                return rule.group();
            }
        }
        return null;
    }

    /**
     * The peer baselines an account is judged by and teaches: its group's, while the group has at least
     * {@code minPeers} account-days for a (scope, window), else the population's in {@code population}; what it adds
     * goes to both.
     */
    public PeerBaselines forAccount(PeerBaselines population, String account, int minPeers) {
        String group = groupOf(account);
        if (group == null) {
            return population;
        }
        String prefix = PREFIX + group + "/";
        return new PeerBaselines() {
            private String source(String scope, String window) {
                String grouped = prefix + scope;
                return population.count(grouped, window) >= minPeers ? grouped : scope;
            }

            @Override
            public long count(String scope, String window) {
                return population.count(source(scope, window), window);
            }

            @Override
            public double quantile(String scope, String window, double q) {
                return population.quantile(source(scope, window), window, q);
            }

            @Override
            public double rank(String scope, String window, double value) {
                return population.rank(source(scope, window), window, value);
            }

            @Override
            public void add(String scope, String window, double peak) {
                population.add(scope, window, peak);
                population.add(prefix + scope, window, peak);
            }
        };
    }
}
