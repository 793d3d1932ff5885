package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.SensitiveTables;
import org.exfilguard.profile.OpenIncident;
import org.exfilguard.profile.ScopeProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileStoreTest {

    private static final Instant T0 = Instant.parse("2026-03-14T02:00:00Z");
    private static final Duration QUIET = Duration.ofHours(2);
    private static final String KEY = ProfileStore.key("jdoe", "coop.members");

    private final DetectionSettings settings = DetectionSettings.defaults(SensitiveTables.parse("coop.members"));
    private KeyValueStore<String, byte[]> profiles;
    private KeyValueStore<String, Long> openIncidents;

    @TempDir
    Path dir;

    @BeforeEach
    void stores() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "profile-store");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<String, Object> context =
                new MockProcessorContext<>(props, new TaskId(0, 0), dir.toFile());
        profiles = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StoreNames.READ_PROFILES), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        openIncidents = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StoreNames.OPEN_INCIDENTS), Serdes.String(), Serdes.Long())
                .withLoggingDisabled()
                .build();
        profiles.init(context.getStateStoreContext(), profiles);
        openIncidents.init(context.getStateStoreContext(), openIncidents);
    }

    private ProfileStore store(long cacheBytes) {
        return new ProfileStore(
                profiles,
                openIncidents,
                new ProfileCodec(settings),
                cacheBytes,
                incident -> incident.lastActivity().plus(QUIET));
    }

    private ScopeProfile profile(long rows) {
        ScopeProfile profile =
                ScopeProfile.fresh("jdoe", "coop.members", settings.windows(), settings.historyDays(), T0);
        profile.noteEvidence("10.0.0.1", "select * from coop.members", rows, T0);
        return profile;
    }

    private static OpenIncident incident(Instant lastActivity) {
        return new OpenIncident(
                "inc-1", T0, T0, lastActivity, lastActivity, 1, 3.0, "MEDIUM", new byte[] {1}, false, null);
    }

    @Test
    void aSavedProfileLoadsBackFromTheStoreInANewTask() {
        ProfileStore first = store(DetectorTopology.DEFAULT_PROFILE_CACHE_BYTES);
        assertThat(first.load(KEY, T0)).isNull();
        first.save(KEY, profile(500), false);

        ScopeProfile loaded =
                store(DetectorTopology.DEFAULT_PROFILE_CACHE_BYTES).load(KEY, T0);

        assertThat(loaded.recentClientIps()).containsExactly("10.0.0.1");
        assertThat(profiles.approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void invalidateDropsAChangeThatWasNotSaved() {
        ProfileStore store = store(DetectorTopology.DEFAULT_PROFILE_CACHE_BYTES);
        store.save(KEY, profile(500), false);
        ScopeProfile changed = store.load(KEY, T0);
        changed.noteEvidence("10.9.9.9", "select 1", 1, T0.plusSeconds(60));
        assertThat(store.load(KEY, T0).recentClientIps())
                .as("the hot copy is the changed object")
                .contains("10.9.9.9");

        store.invalidate();

        assertThat(store.load(KEY, T0).recentClientIps()).containsExactly("10.0.0.1");
        assertThat(store.cacheHits()).isPositive();
    }

    @Test
    void keepsTheOpenIncidentIndexInStepWithTheProfiles() {
        ProfileStore store = store(0);
        ScopeProfile withIncident = profile(500);
        withIncident.incident(incident(T0));
        store.save(KEY, withIncident, false);
        String allTables = ProfileStore.key("jdoe", ScopeProfile.ALL_SENSITIVE);

        assertThat(openIncidents.get(KEY)).isEqualTo(T0.plus(QUIET).toEpochMilli());
        assertThat(store.incidentsDueBy(T0.plus(QUIET).toEpochMilli() - 1)).isEmpty();
        assertThat(store.incidentsDueBy(T0.plus(QUIET).toEpochMilli())).containsExactly(KEY);
        assertThat(store.otherScopeIncidentOpen("jdoe", ScopeProfile.ALL_SENSITIVE, T0.plusSeconds(60)))
                .isTrue();
        assertThat(store.otherScopeIncidentOpen("jdoe", ScopeProfile.ALL_SENSITIVE, T0.plus(QUIET)))
                .as("due: counts as closed")
                .isFalse();
        assertThat(store.otherScopeIncidentOpen("jdoe", "coop.members", T0.plusSeconds(60)))
                .isFalse();
        assertThat(allTables).isNotEqualTo(KEY);

        ScopeProfile closed = store.load(KEY, T0);
        closed.incident(null);
        store.save(KEY, closed, true);

        assertThat(openIncidents.get(KEY)).isNull();
        assertThat(store.incidentsDueBy(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void aTaskStartsWithTheIncidentsItsStoreHolds() {
        ScopeProfile withIncident = profile(500);
        withIncident.incident(incident(T0));
        store(0).save(KEY, withIncident, false);

        ProfileStore restarted = store(0);

        assertThat(restarted.incidentsDueBy(Long.MAX_VALUE)).containsExactly(KEY);
        restarted.forgetIncident(KEY);
        assertThat(openIncidents.get(KEY)).isNull();
    }
}
