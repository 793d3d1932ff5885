package org.exfilguard.sim;

import java.util.List;
import java.util.SplittableRandom;
import org.exfilguard.sim.EventFactory.Destination;

/** Web and SaaS flows of a person's workstation during working hours. */
final class OfficeTraffic {
    private OfficeTraffic() {}

    static void addDay(
            List<SimEvent> out,
            Account a,
            SimCalendar cal,
            int day,
            SplittableRandom rng,
            List<Destination> habitual,
            double shift,
            int minFlows,
            int maxFlows) {
        int flows = minFlows + rng.nextInt(maxFlows - minFlows + 1);
        for (int i = 0; i < flows; i++) {
            Destination d = ActorModel.pick(rng, habitual);
            long out1 = Math.round(Math.exp(Math.log(8_000) + rng.nextGaussian()));
            long in = Math.round(Math.exp(Math.log(150_000) + 1.2 * rng.nextGaussian()));
            if (rng.nextDouble() < 0.03) {
                // Sharing a document or a spreadsheet: a normal upload of a few MB.
                out1 = 1_000_000L + rng.nextLong(19_000_000L);
            }
            out.add(EventFactory.flow(
                    a, cal.at(day, WorkingHours.sample(rng, shift)), d, Math.max(200, out1), Math.max(300, in)));
        }
    }
}
