package org.exfilguard.detect;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The factors each sensitivity tier applies to the floors: {@code bulk} to every window's floor (and the cold-start
 * floor), {@code offHours} to the off-hours window's floor, used when an account reads at an hour it never reads.
 */
public record TierFloors(Map<SensitivityTier, Factors> factors) {

    /** One tier's factors. */
    public record Factors(double bulk, double offHours) {
        public Factors {
            if (!(bulk > 0) || !(offHours > 0)) {
                throw new IllegalArgumentException("tier floor factors must be positive");
            }
        }
    }

    /** A card table alerts on half the bulk rows and on 1% of them off hours; a member table on 5% off hours. */
    public static final List<String> DEFAULTS = List.of("critical:0.5:0.01", "high:1:0.05", "standard:1:0.2");

    public TierFloors {
        factors = Map.copyOf(factors);
        for (SensitivityTier tier : SensitivityTier.values()) {
            if (!factors.containsKey(tier)) {
                throw new IllegalArgumentException("tier floors: no factors for tier " + tier.label());
            }
        }
    }

    public static TierFloors defaults() {
        Map<SensitivityTier, Factors> out = new EnumMap<>(SensitivityTier.class);
        read(DEFAULTS, out);
        return new TierFloors(out);
    }

    /** Parses entries {@code tier:bulk-factor:off-hours-factor}; a tier left out keeps its default. */
    public static TierFloors parse(Collection<String> entries) {
        Map<SensitivityTier, Factors> out = new EnumMap<>(SensitivityTier.class);
        read(DEFAULTS, out);
        read(entries, out);
        return new TierFloors(out);
    }

    private static void read(Collection<String> entries, Map<SensitivityTier, Factors> out) {
        for (String entry : entries) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("tier floors '" + entry
                        + "': expected tier:bulk-factor:off-hours-factor, e.g. critical:0.5:0.01");
            }
            try {
                out.put(
                        SensitivityTier.parse(parts[0]),
                        new Factors(Double.parseDouble(parts[1].trim()), Double.parseDouble(parts[2].trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("tier floors '" + entry + "': factors must be numbers");
            }
        }
    }

    public Factors of(SensitivityTier tier) {
        return factors.get(tier);
    }
}
