package org.exfilguard.topology;

import io.micrometer.core.instrument.Counter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.EgressCorrelator;
import org.exfilguard.detect.EgressHost;
import org.exfilguard.detect.EgressSettings;
import org.exfilguard.incident.AvroBytes;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.state.EgressHostState;
import org.exfilguard.schema.state.FreshDestination;
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
    private final int hotHosts;

    EgressProfileSupplier(EgressSettings settings, DetectorMetrics metrics) {
        this(settings, metrics, HotHosts.CAPACITY);
    }

    /** With {@code hotHosts} decoded hosts kept per task (0: every flow reads the stores, as tests of the stored layout want). */
    EgressProfileSupplier(EgressSettings settings, DetectorMetrics metrics, int hotHosts) {
        this.settings = settings;
        this.metrics = metrics;
        this.hotHosts = hotHosts;
    }

    @Override
    public Processor<Object, Object, String, EgressUpdate> get() {
        return new EgressProfileProcessor();
    }

    /** A host's decoded state: its windows and the rest, as the stores hold them. */
    private record Host(EgressHost state, ScopeProfile volume, StoredDestinations destinations, StoredFresh fresh) {
    }

    private final class EgressProfileProcessor implements Processor<Object, Object, String, EgressUpdate> {

        private final EgressCorrelator correlator = new EgressCorrelator(settings);
        private final ProfileCodec volumeCodec = new ProfileCodec(settings.volume());
        private final EgressHostCodec hostCodec = new EgressHostCodec();
        private final AvroBytes<EgressEvidence> evidenceCodec = new AvroBytes<>(EgressEvidence.class);
        private final HotHosts<Host> hot = new HotHosts<>(hotHosts);
        // Held: most flows are counted and dropped, and looking a counter up cost more than the rest of that.
        private final Counter internal = metrics.eventCounter(SOURCE, "internal");
        private final Counter knownDestination = metrics.eventCounter(SOURCE, "known_destination");
        private final Counter accepted = metrics.eventCounter(SOURCE, "accepted");
        private ProcessorContext<String, EgressUpdate> context;
        private KeyValueStore<String, byte[]> hosts;
        private KeyValueStore<String, Long> destinations;
        private KeyValueStore<String, byte[]> fresh;
        private KeyValueStore<String, Long> orgDestinations;
        private StorePeerBaselines peers;

        @Override
        public void init(ProcessorContext<String, EgressUpdate> context) {
            this.context = context;
            this.hosts = context.getStateStore(StoreNames.EGRESS_HOSTS);
            this.destinations = context.getStateStore(StoreNames.EGRESS_DESTINATIONS);
            this.fresh = context.getStateStore(StoreNames.EGRESS_FRESH);
            this.orgDestinations = context.getStateStore(StoreNames.ORG_DESTINATIONS);
            this.peers = new StorePeerBaselines(context.getStateStore(StoreNames.EGRESS_PEER_BASELINES));
            hot.clear();
            metrics.trackKeys(this, hosts::approximateNumEntries);
        }

        @Override
        public void process(Record<Object, Object> record) {
            try {
                if (record.value() instanceof EgressEvent event) {
                    onEgress(event);
                } else if (record.value() instanceof ReadSignal signal && signal.getIncidentId() != null) {
                    // Only bulk reads are watched; account-seen signals of earlier builds are dropped unread.
                    Instant at = signal.getAt();
                    Host host = load(signal.getClientIp(), at);
                    List<EgressCorrelator.Finding> findings = correlator.onRead(host.state(), host.volume(), signal);
                    save(host);
                    findings.forEach(f -> send(f, at));
                }
                peers.flush();
            } catch (RuntimeException e) {
                // A host may have been changed in memory and not written: the cache must not outlive what the stores hold.
                hot.clear();
                throw e;
            }
        }

        private void onEgress(EgressEvent event) {
            if (!correlator.isEgress(event)) {
                internal.increment();
                return;
            }
            if (correlator.isKnownDestination(event.getDstIp())) {
                knownDestination.increment();
                return;
            }
            accepted.increment();
            Instant at = event.getEventTime();
            boolean firstInOrg = orgDestinations.get(event.getDstIp()) == null;
            if (firstInOrg) {
                orgDestinations.put(event.getDstIp(), at.toEpochMilli());
            }
            Host host = load(event.getSrcIp(), at);
            EgressCorrelator.Outcome outcome = correlator.onEgress(host.state(), host.volume(), event, firstInOrg, peers);
            save(host);
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

        private Host load(String ip, Instant at) {
            Host cached = hot.get(ip);
            if (cached != null) {
                return cached;
            }
            byte[] stored = hosts.get(ip);
            if (stored == null) {
                // Through the codec, as earlier versions did: the windows a new host starts with are what it reads back.
                ScopeProfile volume = volumeCodec.decode(volumeCodec.encode(ScopeProfile.fresh(ip, VOLUME_SCOPE,
                        settings.volume().windows(), settings.volume().historyDays(), at)), at);
                StoredDestinations none = new StoredDestinations(destinations, ip, 0);
                return new Host(new EgressHost(ip, none, List.of(), List.of()), volume, none, StoredFresh.none(ip));
            }
            if (EgressHostCodec.isLegacy(stored)) {
                return migrate(ip, hostCodec.decodeLegacy(stored), at);
            }
            EgressHostCodec.HostRecord record = hostCodec.decodeHost(stored);
            List<FreshDestination> freshList = new ArrayList<>();
            StoredFresh storedFresh = StoredFresh.load(fresh, hostCodec, ip, freshList);
            StoredDestinations known = new StoredDestinations(destinations, ip, record.destinations());
            EgressHost state = new EgressHost(ip, known, freshList, record.reads());
            return new Host(state, volumeCodec.decode(record.volume(), at), known, storedFresh);
        }

        /**
         * An earlier version's EgressHostState: its destinations move to their own keys now, its host record and fresh
         * list are rewritten in the new layout when the record that loaded it is done.
         */
        private Host migrate(String ip, EgressHostState legacy, Instant at) {
            Map<String, Long> known = EgressHostCodec.legacyDestinations(legacy);
            known.forEach((dst, firstSeen) -> destinations.put(StoredDestinations.key(ip, dst), firstSeen));
            StoredDestinations stored = new StoredDestinations(destinations, ip, known.size());
            EgressHost state = new EgressHost(ip, stored, legacy.getFresh(), legacy.getReads());
            state.markAllFreshChanged();
            return new Host(state, volumeCodec.decode(AvroBytes.bytes(legacy.getVolume()), at), stored, StoredFresh.none(ip));
        }

        private void save(Host host) {
            String ip = host.state().srcIp();
            hosts.put(ip, hostCodec.encodeHost(ip, volumeCodec.encode(host.volume()), host.destinations().size(),
                    host.state().reads()));
            host.fresh().save(fresh, hostCodec, host.state());
            hot.put(ip, host);
        }

        @Override
        public void close() {
            metrics.untrackKeys(this);
        }
    }

}
