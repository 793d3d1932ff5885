package org.exfilguard.suppress;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * An immutable, ordered list of {@link AllowRule}s. The first rule in file order that matches an alert is the one
 * reported, so the same alert is always suppressed by the same rule.
 */
public final class AllowList {

    /** The largest allow-list file read: 1 MiB, some thousands of rules. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private static final AllowList EMPTY = new AllowList(List.of());

    private final List<AllowRule> rules;

    private AllowList(List<AllowRule> rules) {
        this.rules = rules;
    }

    public static AllowList empty() {
        return EMPTY;
    }

    /**
     * @throws IllegalArgumentException when two rules share an id (ids name a suppression in alerts and logs), or
     *     when rules that name only a host (or only a destination) together cover every address of IPv4 or IPv6:
     *     {@code 0.0.0.0/1} and {@code 128.0.0.0/1} silence the detector as surely as one {@code 0.0.0.0/0}
     */
    public static AllowList of(List<AllowRule> rules) {
        Set<String> ids = new HashSet<>();
        for (AllowRule rule : rules) {
            if (!ids.add(rule.id())) {
                throw new IllegalArgumentException("duplicate rule id '" + rule.id() + "'");
            }
        }
        refuseFullCover(rules, AllowRule::onlyHost, "host");
        refuseFullCover(rules, AllowRule::onlyDestination, "destination");
        return rules.isEmpty() ? EMPTY : new AllowList(List.copyOf(rules));
    }

    private static void refuseFullCover(
            List<AllowRule> rules, Function<AllowRule, Optional<IpRange>> only, String field) {
        for (int bits : new int[] {32, 128}) {
            List<AllowRule> named = new ArrayList<>();
            List<IpRange> ranges = new ArrayList<>();
            for (AllowRule rule : rules) {
                Optional<IpRange> range = only.apply(rule).filter(r -> r.addressBits() == bits);
                if (range.isPresent()) {
                    named.add(rule);
                    ranges.add(range.get());
                }
            }
            if (covers(ranges, bits)) {
                throw new IllegalArgumentException("rules "
                        + named.stream().map(r -> "'" + r.id() + "'").toList()
                        + " would together suppress every alert: they name nothing but a " + field + ", and their "
                        + field + "s " + ranges + " cover every IPv" + (bits == 32 ? "4" : "6") + " address");
            }
        }
    }

    /** True when the blocks together hold every address of {@code bits} bits. */
    static boolean covers(List<IpRange> ranges, int bits) {
        List<IpRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(IpRange::first));
        BigInteger next = BigInteger.ZERO; // the lowest address not yet covered
        BigInteger end = BigInteger.ONE.shiftLeft(bits);
        for (IpRange range : sorted) {
            if (range.first().compareTo(next) > 0) {
                return false;
            }
            next = next.max(range.last().add(BigInteger.ONE));
            if (next.compareTo(end) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Warnings for a rule author: rules already expired at {@code now}, blocks written with host bits set. */
    public List<String> warnings(Instant now) {
        return rules.stream().flatMap(rule -> rule.warnings(now).stream()).toList();
    }

    /** Parses the YAML allow-list format; an empty document has no rules. */
    public static AllowList parse(String yaml) throws AllowListException {
        return AllowListYaml.parse(yaml);
    }

    /**
     * Reads and parses a file; its path prefixes any error. A file over {@link #MAX_FILE_BYTES} is refused unread:
     * the YAML parser takes time that grows faster than the file (a rule and a 10 MB comment took 36 s), and a
     * real allow-list is a few kilobytes.
     */
    public static AllowList load(Path file) throws AllowListException {
        String text;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new AllowListException(file + ": " + sizeOf(file, bytes.length) + " bytes, over the limit of "
                        + MAX_FILE_BYTES + " bytes (1 MiB) for an allow-list");
            }
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new AllowListException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new AllowListException(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new AllowListException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (AllowListException e) {
            throw new AllowListException(file + ": " + e.getMessage(), e);
        }
    }

    private static String sizeOf(Path file, int read) {
        try {
            return String.format(java.util.Locale.ROOT, "%,d", Math.max(read, Files.size(file)));
        } catch (IOException e) {
            return "more than " + MAX_FILE_BYTES;
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
