package org.exfilguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EgressHostTest {

    private static final long MINUTE = FreshEntry.MINUTE;

    /** What a lookup gave before the index: the first entry of the destination in the list's order. */
    private static FreshEntry scan(EgressHost host, String dst) {
        for (FreshEntry f : host.fresh()) {
            if (f.dstIp().equals(dst)) {
                return f;
            }
        }
        return null;
    }

    @Test
    void theIndexFindsWhatAScanOfTheListFindsThroughAddsEvictionsExpiryAndDuplicates() {
        // A busy host's fresh list: destinations come back as new while an entry of theirs is still fresh (the
        // remembered set dropped them), the list is evicted by last use once full, and old entries expire.
        Random random = new Random(11);
        EgressHost host = new EgressHost("10.0.0.1", new MapDestinations(new HashMap<>()), List.of(), List.of(), 0);
        List<String> pool = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            pool.add("198.51." + (i / 200) + "." + (i % 200));
        }
        long at = 0;
        int duplicated = 0;
        for (int step = 0; step < 20_000; step++) {
            at += random.nextInt(3) * MINUTE / 2;
            String dst = pool.get(random.nextInt(pool.size()));
            FreshEntry found = host.freshEntry(dst);
            assertThat(found).as("step %d, %s", step, dst).isSameAs(scan(host, dst));
            if (found != null && random.nextInt(4) > 0) {
                found.add(at, 1_000, host.settledTo());
                host.freshEntryChanged(found);
            } else {
                if (found != null) {
                    duplicated++;
                }
                host.freshAdded(FreshEntry.first(dst, null, 443, false, at, 1_000, host.settledTo()));
                if (host.fresh().size() > 40) {
                    host.evictLeastRecentlyUsed();
                }
            }
            if (random.nextInt(50) == 0) {
                host.settle(Math.floorDiv(at, MINUTE) * MINUTE);
            }
            if (random.nextInt(400) == 0) {
                host.expireFresh(at - 60 * MINUTE);
            }
        }
        assertThat(duplicated)
                .as("the walk made destinations with several entries")
                .isGreaterThan(1_000);
        for (String dst : pool) {
            assertThat(host.freshEntry(dst)).isSameAs(scan(host, dst));
        }
    }

    @Test
    void settlingFoldsTheMinutesOfEveryEntryWithFlowsSince() {
        EgressHost host = new EgressHost("10.0.0.1", new MapDestinations(new HashMap<>()), List.of(), List.of(), 0);
        FreshEntry a = FreshEntry.first("198.51.100.1", null, 443, false, 5 * MINUTE, 100, 0);
        FreshEntry b = FreshEntry.first("198.51.100.2", null, 443, false, 7 * MINUTE, 200, 0);
        host.freshAdded(a);
        host.freshAdded(b);
        host.freshWritten();
        host.settle(6 * MINUTE);
        assertThat(host.changedFreshEntries()).containsExactly(a);
        assertThat(a.bytesBefore(6 * MINUTE)).isEqualTo(100);
        host.freshWritten();
        b.add(8 * MINUTE, 50, host.settledTo());
        host.freshEntryChanged(b);
        host.freshWritten();
        host.settle(9 * MINUTE);
        assertThat(host.changedFreshEntries()).containsExactly(b);
        assertThat(b.bytesBefore(9 * MINUTE)).isEqualTo(250);
        host.freshWritten();
        host.settle(20 * MINUTE);
        assertThat(host.changedFreshEntries()).as("nothing left to fold").isEmpty();
    }
}
