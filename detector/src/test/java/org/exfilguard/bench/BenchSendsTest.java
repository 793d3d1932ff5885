package org.exfilguard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** A bench whose input producer failed to write records stops, naming the topic, the count and the first cause. */
class BenchSendsTest {

    @Test
    void recordsThatWereNotWrittenStopTheBench() {
        BenchCluster.Sends sends = new BenchCluster.Sends("bench-db-access");
        sends.callback().onCompletion(null, null);
        sends.callback().onCompletion(null, new TimeoutException("Expiring 12 record(s): 120000 ms has passed"));
        sends.callback().onCompletion(null, new OutOfOrderSequenceException("out of order"));

        assertThatThrownBy(() -> sends.check(1_000))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 of 1000 records to bench-db-access were not written")
                .hasMessageContaining("Expiring 12 record(s)")
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void aBenchWhoseRecordsWereAllWrittenGoesOn() {
        BenchCluster.Sends sends = new BenchCluster.Sends("bench-egress");
        for (int i = 0; i < 3; i++) {
            sends.callback().onCompletion(null, null);
        }
        sends.check(3);
        assertThat(sends).isNotNull();
    }
}
