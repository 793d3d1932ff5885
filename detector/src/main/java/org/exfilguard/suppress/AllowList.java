package org.exfilguard.suppress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable, ordered list of {@link AllowRule}s. The first rule in file order that matches an alert is the one
 * reported, so the same alert is always suppressed by the same rule.
 */
public final class AllowList {

    private static final AllowList EMPTY = new AllowList(List.of());

    private final List<AllowRule> rules;

    private AllowList(List<AllowRule> rules) {
        this.rules = rules;
    }

    public static AllowList empty() {
        return EMPTY;
    }

    /** @throws IllegalArgumentException when two rules share an id (ids name a suppression in alerts and logs) */
    public static AllowList of(List<AllowRule> rules) {
        Set<String> ids = new HashSet<>();
        for (AllowRule rule : rules) {
            if (!ids.add(rule.id())) {
                throw new IllegalArgumentException("duplicate rule id '" + rule.id() + "'");
            }
        }
        return rules.isEmpty() ? EMPTY : new AllowList(List.copyOf(rules));
    }

    /** Parses the YAML allow-list format; an empty document has no rules. */
    public static AllowList parse(String yaml) throws AllowListException {
        return AllowListYaml.parse(yaml);
    }

    /** Reads and parses a file; its path prefixes any error. */
    public static AllowList load(Path file) throws AllowListException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new AllowListException(file + ": no such file");
        } catch (IOException e) {
            throw new AllowListException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (AllowListException e) {
            throw new AllowListException(file + ": " + e.getMessage(), e);
        }
    }

    /** The first rule, in file order, that suppresses the candidate. */
    public Optional<AllowRule> match(Candidate candidate) {
        for (AllowRule rule : rules) {
            if (rule.matches(candidate)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    public List<AllowRule> rules() {
        return rules;
    }

    public int size() {
        return rules.size();
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    @Override
    public String toString() {
        return "AllowList" + rules.stream().map(AllowRule::id).toList();
    }
}
