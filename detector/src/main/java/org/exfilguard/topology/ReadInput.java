package org.exfilguard.topology;

import org.apache.kafka.common.serialization.Deserializer;
import org.exfilguard.detect.SharedPeerDays;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.state.EgressUpdate;

/**
 * What reaches the read-profile processor, keyed by account: a decoded read, the egress side's evidence for one
 * of the account's incidents, or the end of a finite input. Sealed, and dispatched to a {@link Handler} rather than tested with {@code instanceof},
 * so a third input is a compile error until the processor handles it.
 */
sealed interface ReadInput permits ReadInput.Read, ReadInput.Egress, ReadInput.PeerDay, EndOfInput {

    /** The processor's handling of each input. */
    interface Handler {
        void onRead(DbAccessEvent event);

        void onEgress(EgressUpdate update);

        /** A read task's daily peer peaks, from {@code exfil-peer-days}. */
        void onPeerDay(SharedPeerDays.Contribution contribution);

        /** The input ended (a backtest's last record): tell the egress side there are no more reads. */
        void onEnd();
    }

    void dispatch(Handler handler);

    /** Reads the egress-updates topic as inputs of the processor. */
    static Deserializer<ReadInput> egressUpdates(Deserializer<EgressUpdate> updates) {
        return (topic, data) -> {
            EgressUpdate update = updates.deserialize(topic, data);
            return update == null ? null : new Egress(update);
        };
    }

    /** A sensitive-or-not read, as the decode processor forwards it. */
    record Read(DbAccessEvent event) implements ReadInput {
        @Override
        public void dispatch(Handler handler) {
            handler.onRead(event);
        }
    }

    /** Reads the peer-days topic as inputs of the processor. */
    static Deserializer<ReadInput> peerDays() {
        return (topic, data) -> data == null ? null : new PeerDay(SharedPeerDays.Contribution.decode(data));
    }

    /** One read task's daily peer peaks, from {@code exfil-peer-days}. */
    record PeerDay(SharedPeerDays.Contribution contribution) implements ReadInput {
        @Override
        public void dispatch(Handler handler) {
            handler.onPeerDay(contribution);
        }
    }

    /** Egress evidence from {@code exfil-egress-updates}. */
    record Egress(EgressUpdate update) implements ReadInput {
        @Override
        public void dispatch(Handler handler) {
            handler.onEgress(update);
        }
    }
}
