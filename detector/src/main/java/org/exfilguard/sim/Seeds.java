package org.exfilguard.sim;

/** Derives independent, reproducible random streams from the spec seed. */
final class Seeds {
    private Seeds() {}

    /** SplitMix64 finaliser over the combined inputs: neighbouring inputs give unrelated seeds. */
    static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h ^= p;
            h += 0x9E3779B97F4A7C15L;
            h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
            h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
            h ^= h >>> 31;
        }
        return h;
    }
}
