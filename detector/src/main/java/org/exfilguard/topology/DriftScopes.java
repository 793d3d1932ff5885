package org.exfilguard.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.DriftDetector;
import org.exfilguard.detect.DriftSettings;
import org.exfilguard.detect.DriftState;
import org.exfilguard.detect.DriftVerdict;
import org.exfilguard.incident.DriftAlerts;
import org.exfilguard.incident.IncidentLifecycle;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;

/**
 * The read side's slow-drift check, per task: each sensitive read moves the daily totals of its tables and of the
 * account's all-tables scope in {@link StoreNames#DRIFT_STATE}, and {@link DriftDetector} decides. One drift makes one
 * incident: a table's drift does not open while the account's all-tables drift is open, and the all-tables scope
 * opens only while none of the account's tables has one (it counts them, since a read names only its own tables).
 */
final class DriftScopes {

    private final DriftDetector detector;
    private final DriftAlerts alerts;
    private final KeyValueStore<String, byte[]> store;
    private final DriftStateCodec codec = new DriftStateCodec();

    DriftScopes(
            DriftSettings settings,
            IncidentLifecycle.Severities severities,
            String detectorVersion,
            KeyValueStore<String, byte[]> store) {
        this.detector = new DriftDetector(settings);
        this.alerts = new DriftAlerts(detectorVersion, severities);
        this.store = store;
    }

    /** The drift records this read causes, in order: closes of drifts that reset, then openings. */
    List<ExfiltrationAlert> observe(DbAccessEvent event, List<String> tables) {
        List<ExfiltrationAlert> out = new ArrayList<>(0);
        String account = event.getAccount();
        String allKey = ProfileStore.key(account, ScopeProfile.ALL_SENSITIVE);
        DriftState all = load(allKey);
        for (String table : tables) {
            String key = ProfileStore.key(account, table);
            DriftState state = load(key);
            boolean wasOpen = state.incidentOpen();
            observe(event, table, state, !all.incidentOpen(), out);
            if (wasOpen != state.incidentOpen()) {
                all.tableDrift(state.incidentOpen() ? 1 : -1);
            }
            store.put(key, codec.encode(state));
        }
        observe(event, ScopeProfile.ALL_SENSITIVE, all, all.tableDrifts() == 0, out);
        store.put(allKey, codec.encode(all));
        return out;
    }

    private void observe(
            DbAccessEvent event, String scope, DriftState state, boolean mayOpen, List<ExfiltrationAlert> out) {
        String account = event.getAccount();
        Instant at = event.getEventTime();
        List<DriftVerdict> verdicts = detector.observe(
                state,
                at,
                event.getRowsReturned(),
                mayOpen ? opening -> DriftAlerts.incidentId(account, scope, opening) : null);
        for (DriftVerdict v : verdicts) {
            out.add(
                    v.opened()
                            ? alerts.opened(account, scope, v, event.getClientIp(), event.getStatementFingerprint())
                            : alerts.closed(account, scope, v));
        }
    }

    private DriftState load(String key) {
        byte[] stored = store.get(key);
        return stored == null ? new DriftState() : DriftStateCodec.decode(stored);
    }
}
