package org.exfilguard.topology;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.EgressCorrelator;
import org.exfilguard.detect.EgressSettings;
import org.exfilguard.incident.AvroBytes;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.state.EgressHostState;
import org.exfilguard.schema.state.EgressUpdate;
import org.exfilguard.schema.state.ReadSignal;

/**
 * The egress-profile processor, keyed by source ip: outbound bytes per host against its learnt baseline,
 * destinations new for the host and for the organisation, and the correlation of that egress with the bulk reads
 * made from the host. Evidence goes back to the incident's owner keyed by account.
 */
final class EgressProfileSupplier implements ProcessorSupplier<Object, Object, String, EgressUpdate> {

    static final String SOURCE = "egress";
    static final String VOLUME_SCOPE = "egress";

    private final EgressSettings settings;
    private final DetectorMetrics metrics;

    EgressProfileSupplier(EgressSettings settings, DetectorMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public Processor<Object, Object, String, EgressUpdate> get() {
        return new EgressProfileProcessor();
    }

    private final class EgressProfileProcessor implements Processor<Object, Object, String, EgressUpdate> {

        private final EgressCorrelator correlator = new EgressCorrelator(settings);
        private final ProfileCodec volumeCodec = new ProfileCodec(settings.volume());
        private final AvroBytes<EgressHostState> hostCodec = new AvroBytes<>(EgressHostState.class);
        private final AvroBytes<EgressEvidence> evidenceCodec = new AvroBytes<>(EgressEvidence.class);
        private ProcessorContext<String, EgressUpdate> context;
        private KeyValueStore<String, byte[]> hosts;
        private KeyValueStore<String, Long> orgDestinations;
        private StorePeerBaselines peers;

        @Override
        public void init(ProcessorContext<String, EgressUpdate> context) {
            this.context = context;
            this.hosts = context.getStateStore(StoreNames.EGRESS_HOSTS);
            this.orgDestinations = context.getStateStore(StoreNames.ORG_DESTINATIONS);
            this.peers = new StorePeerBaselines(context.getStateStore(StoreNames.EGRESS_PEER_BASELINES));
            metrics.trackKeys(this, hosts::approximateNumEntries);
        }

        @Override
        public void process(Record<Object, Object> record) {
            if (record.value() instanceof EgressEvent event) {
                onEgress(event);
            } else if (record.value() instanceof ReadSignal signal && signal.getIncidentId() != null) {
                // Only bulk reads are watched; account-seen signals of earlier builds are dropped unread.
                Instant at = signal.getAt();
                EgressHostState host = load(signal.getClientIp(), at);
                ScopeProfile volume = volumeCodec.decode(AvroBytes.bytes(host.getVolume()), at);
                List<EgressCorrelator.Finding> findings = correlator.onRead(host, volume, signal);
                save(host, volume);
                findings.forEach(f -> send(f, at));
            }
            peers.flush();
        }

        private void onEgress(EgressEvent event) {
            if (!correlator.isEgress(event)) {
                metrics.event(SOURCE, "internal");
                return;
            }
            if (correlator.isKnownDestination(event.getDstIp())) {
                metrics.event(SOURCE, "known_destination");
                return;
            }
            metrics.event(SOURCE, "accepted");
            Instant at = event.getEventTime();
            boolean firstInOrg = orgDestinations.get(event.getDstIp()) == null;
            if (firstInOrg) {
                orgDestinations.put(event.getDstIp(), at.toEpochMilli());
            }
            EgressHostState host = load(event.getSrcIp(), at);
            ScopeProfile volume = volumeCodec.decode(AvroBytes.bytes(host.getVolume()), at);
            EgressCorrelator.Outcome outcome = correlator.onEgress(host, volume, event, firstInOrg, peers);
            save(host, volume);
            if (outcome.egressOnly()) {
                // Egress alone is a weaker signal: counted, not alerted (no bulk read explains or implicates it).
                metrics.suppression("egress_only");
            }
            outcome.findings().forEach(f -> send(f, at));
        }

        private void send(EgressCorrelator.Finding finding, Instant at) {
            EgressUpdate update = EgressUpdate.newBuilder().setAccount(finding.account()).setIncidentId(finding.incidentId())
                    .setTable(finding.table()).setAt(at).setUnusual(finding.unusual()).setFinalReport(finding.complete())
                    .setEvidence(ByteBuffer.wrap(evidenceCodec.encode(finding.evidence()))).build();
            context.forward(new Record<>(finding.account(), update, at.toEpochMilli()));
        }

        private EgressHostState load(String ip, Instant at) {
            byte[] stored = hosts.get(ip);
            if (stored != null) {
                // Avro's decoded arrays cannot remove elements; the correlator edits them in place.
                EgressHostState host = hostCodec.decode(stored);
                host.setFresh(new java.util.ArrayList<>(host.getFresh()));
                host.setReads(new java.util.ArrayList<>(host.getReads()));
                host.setDestinations(new java.util.HashMap<>(host.getDestinations()));
                host.setAccounts(new java.util.HashMap<>(host.getAccounts()));
                return host;
            }
            ScopeProfile volume = ScopeProfile.fresh(ip, VOLUME_SCOPE, settings.volume().windows(),
                    settings.volume().historyDays(), at);
            return EgressCorrelator.freshHost(ip, volumeCodec.encode(volume));
        }

        private void save(EgressHostState host, ScopeProfile volume) {
            host.setVolume(ByteBuffer.wrap(volumeCodec.encode(volume)));
            hosts.put(host.getSrcIp(), hostCodec.encode(host));
        }

        @Override
        public void close() {
            metrics.untrackKeys(this);
        }
    }

}
