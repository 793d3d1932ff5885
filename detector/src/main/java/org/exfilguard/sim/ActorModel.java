package org.exfilguard.sim;

import java.util.List;
import java.util.SplittableRandom;

/** The normal workload of one account: what it does on a given day. */
interface ActorModel {

    Account account();

    /**
     * Events of one simulation day, sorted by event time. {@code rng} is seeded from (seed, account, day),
     * so a day's events do not depend on which other days or actors were generated.
     */
    List<SimEvent> day(int day, SplittableRandom rng);

    static String sessionId(Account a, int day, int connection) {
        return Long.toString(1_000L + a.index() * 10_000_000L + day * 10_000L + connection);
    }

    /** Non-negative count with mean {@code lambda}: Knuth for small means, normal approximation above. */
    static int poisson(SplittableRandom rng, double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda > 30) {
            return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.nextGaussian()));
        }
        double limit = Math.exp(-lambda);
        double p = 1;
        int k = 0;
        do {
            k++;
            p *= rng.nextDouble();
        } while (p > limit);
        return k - 1;
    }

    static <T> T pick(SplittableRandom rng, List<T> items) {
        return items.get(rng.nextInt(items.size()));
    }
}
