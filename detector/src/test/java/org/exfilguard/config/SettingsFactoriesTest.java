package org.exfilguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.exfilguard.detect.ColdStart;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.DriftSettings;
import org.exfilguard.detect.EgressSettings;
import org.exfilguard.detect.Recurrence;
import org.exfilguard.detect.SensitiveTables;
import org.exfilguard.detect.SensitivityTier;
import org.exfilguard.detect.Thresholds;
import org.exfilguard.incident.IncidentLifecycle;
import org.exfilguard.schema.Severity;
import org.exfilguard.testkit.TestWiring;
import org.exfilguard.topology.DetectorWiring;
import org.junit.jupiter.api.Test;

/** Each settings object from the configuration: the defaults, a key that changes it, and a bad value's one line. */
class SettingsFactoriesTest {

    private static ExfilguardConfig config(Map<String, ?> values) {
        return new ExfilguardConfig(values);
    }

    private static final ExfilguardConfig DEFAULTS = config(Map.of());

    @Test
    void theDefaultConfigurationGivesTheDomainDefaults() {
        DetectionSettings reads = DetectionSettingsFactory.from(DEFAULTS);

        DetectionSettings domain = DetectionSettings.defaults(SensitiveTables.parse("coop.members,coop.member_cards"));
        assertThat(reads.volume()).isEqualTo(domain.volume());
        assertThat(reads.tierFloors()).isEqualTo(domain.tierFloors());
        assertThat(reads.offHours().window()).isEqualTo(domain.offHours().window());
        assertThat(reads.offHours().habitDays()).isEqualTo(domain.offHours().habitDays());
        assertThat(reads.offHours().zone().normalized())
                .isEqualTo(domain.offHours().zone());
        assertThat(reads.sensitiveTables()).hasToString(domain.sensitiveTables().toString());
        assertThat(reads.sensitiveColumns().isEmpty())
                .as("no column list: every column is sensitive")
                .isTrue();
        assertThat(reads.nightNorm().start()).isEqualTo(domain.nightNorm().start());
        assertThat(reads.nightNorm().length()).isEqualTo(domain.nightNorm().length());
        assertThat(reads.nightNorm().zone().normalized())
                .isEqualTo(domain.nightNorm().zone());
        assertThat(reads.volume().thresholds()).isEqualTo(Thresholds.defaults());
        assertThat(reads.volume().coldStart()).isEqualTo(ColdStart.defaults());
        assertThat(reads.volume().recurrence()).isEqualTo(Recurrence.defaults());
        assertThat(IncidentLifecycleFactory.from(DEFAULTS)).isEqualTo(IncidentLifecycle.defaults());
        assertThat(DriftSettingsFactory.from(DEFAULTS)).isEqualTo(DriftSettings.defaults());
    }

    @Test
    void eachKeyReachesItsSmallObject() {
        ExfilguardConfig config = config(Map.of(
                ExfilguardConfig.RATIO_OVER_TYPICAL, "3",
                ExfilguardConfig.MAD_MULTIPLIER, "5",
                ExfilguardConfig.OVER_PEAK_FACTOR, "1.25",
                ExfilguardConfig.MIN_HISTORY_DAYS, "3",
                ExfilguardConfig.PEER_QUANTILE, "0.9",
                ExfilguardConfig.PEER_MIN_COUNT, "9",
                ExfilguardConfig.COLD_START_MIN_ROWS, "7000",
                ExfilguardConfig.RECURRENCE_TOLERANCE_MINUTES, "30",
                ExfilguardConfig.RECURRENCE_LOOKBACK_DAYS, "15",
                ExfilguardConfig.TIME_ZONE, "Europe/London"));

        DetectionSettings reads = DetectionSettingsFactory.from(config);

        assertThat(reads.volume().thresholds()).isEqualTo(new Thresholds(3, 5, 1.25));
        assertThat(reads.volume().coldStart()).isEqualTo(new ColdStart(3, 0.9, 2.0, 9, 7000));
        assertThat(reads.volume().recurrence()).isEqualTo(new Recurrence(Duration.ofMinutes(30), 2.5, 15));
        assertThat(reads.offHours().zone()).isEqualTo(ZoneId.of("Europe/London"));
        assertThat(reads.sensitiveTables().tier("coop.member_cards")).isEqualTo(SensitivityTier.CRITICAL);
        DetectionSettings listed = DetectionSettingsFactory.from(
                config(Map.of(ExfilguardConfig.SENSITIVE_COLUMNS, "coop.members.email, coop.members.phone")));
        assertThat(listed.sensitiveColumns().of("coop.members")).containsExactlyInAnyOrder("email", "phone");
        assertThat(listed.sensitiveColumns().of("coop.member_cards")).isNull();
    }

    @Test
    void anEmptyOffHoursWindowTurnsTheRuleOff() {
        assertThat(DetectionSettingsFactory.from(config(Map.of(ExfilguardConfig.OFF_HOURS_WINDOW, "")))
                        .offHours())
                .isNull();
    }

    @Test
    void theNightNormTakesItsBandAndTheZoneAndAnEmptyBandTurnsItOff() {
        assertThat(DetectionSettingsFactory.from(config(Map.of(ExfilguardConfig.NIGHT_NORM_BAND, "")))
                        .nightNorm())
                .isNull();
        org.exfilguard.detect.NightNorm night = DetectionSettingsFactory.from(config(Map.of(
                        ExfilguardConfig.NIGHT_NORM_BAND, "22:00-04:00", ExfilguardConfig.TIME_ZONE, "Europe/London")))
                .nightNorm();
        assertThat(night.zone()).isEqualTo(java.time.ZoneId.of("Europe/London"));
        assertThat(night.start()).isEqualTo(java.time.LocalTime.of(22, 0));
        assertThat(night.length()).isEqualTo(java.time.Duration.ofHours(6));
        assertOneLineNaming(
                ExfilguardConfig.NIGHT_NORM_BAND,
                () -> DetectionSettingsFactory.from(config(Map.of(ExfilguardConfig.NIGHT_NORM_BAND, "night"))));
    }

    @Test
    void theEgressVolumeHasItsOwnWindowsAndColdStartFloorAndTheReadsBaseline() {
        EgressSettings defaults = EgressSettingsFactory.from(DEFAULTS);
        assertThat(defaults.volume().coldStart().floor()).isEqualTo(EgressSettings.DEFAULT_COLD_START_MIN_BYTES);
        assertThat(defaults.volume().windows())
                .extracting(w -> w.minRows())
                .containsExactly(100_000_000L, 1_000_000_000L);

        EgressSettings egress = EgressSettingsFactory.from(config(Map.of(
                ExfilguardConfig.EGRESS_COLD_START_MIN_BYTES, "5000000",
                ExfilguardConfig.RATIO_OVER_TYPICAL, "3",
                ExfilguardConfig.COLD_START_MIN_ROWS, "7000")));

        assertThat(egress.volume().coldStart().floor())
                .as("bytes, not the reads' rows")
                .isEqualTo(5_000_000L);
        assertThat(egress.volume().thresholds().ratioOverTypical()).isEqualTo(3);
    }

    @Test
    void severityScoresAreConfigurable() {
        IncidentLifecycle lifecycle = IncidentLifecycleFactory.from(config(Map.of(
                ExfilguardConfig.SEVERITY_MEDIUM_SCORE, "2",
                ExfilguardConfig.SEVERITY_HIGH_SCORE, "4",
                ExfilguardConfig.SEVERITY_CRITICAL_SCORE, "8",
                ExfilguardConfig.INCIDENT_QUIET_MINUTES, "30")));

        assertThat(lifecycle.quietPeriod()).isEqualTo(Duration.ofMinutes(30));
        assertThat(lifecycle.severities().of(1.9)).isEqualTo(Severity.LOW);
        assertThat(lifecycle.severities().of(2)).isEqualTo(Severity.MEDIUM);
        assertThat(lifecycle.severities().of(4)).isEqualTo(Severity.HIGH);
        assertThat(lifecycle.severities().of(8)).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void severityScoresThatDoNotRiseAreOneLineNamingTheKey() {
        assertOneLineNaming(
                ExfilguardConfig.SEVERITY_HIGH_SCORE,
                () -> IncidentLifecycleFactory.from(config(Map.of(ExfilguardConfig.SEVERITY_HIGH_SCORE, "1.5"))));
        assertOneLineNaming(
                ExfilguardConfig.SEVERITY_CRITICAL_SCORE,
                () -> IncidentLifecycleFactory.from(config(Map.of(ExfilguardConfig.SEVERITY_CRITICAL_SCORE, "4"))));
    }

    @Test
    void badValuesAreOneLineNamingTheKey() {
        assertOneLineNaming(
                ExfilguardConfig.MIN_HISTORY_DAYS,
                () -> DetectionSettingsFactory.from(config(Map.of(ExfilguardConfig.MIN_HISTORY_DAYS, "40"))));
        assertOneLineNaming(
                ExfilguardConfig.WINDOWS,
                () -> DetectionSettingsFactory.from(config(Map.of(ExfilguardConfig.WINDOWS, "15x:15:10000"))));
        assertOneLineNaming(
                ExfilguardConfig.EGRESS_WINDOWS,
                () -> EgressSettingsFactory.from(config(Map.of(ExfilguardConfig.EGRESS_WINDOWS, "1h:twelve"))));
        assertOneLineNaming(
                ExfilguardConfig.TIER_FLOOR_FACTORS,
                () -> DetectionSettingsFactory.from(
                        config(Map.of(ExfilguardConfig.TIER_FLOOR_FACTORS, "critical:0.5"))));
        assertOneLineNaming(
                ExfilguardConfig.TIME_ZONE,
                () -> DetectionSettingsFactory.from(config(Map.of(ExfilguardConfig.TIME_ZONE, "Mars/Olympus"))));
        assertOneLineNaming(
                ExfilguardConfig.DRIFT_MIN_HISTORY_DAYS,
                () -> DriftSettingsFactory.from(config(Map.of(ExfilguardConfig.DRIFT_MIN_HISTORY_DAYS, "40"))));
        assertOneLineNaming(
                ExfilguardConfig.SENSITIVE_COLUMNS,
                () -> DetectionSettingsFactory.from(config(Map.of(ExfilguardConfig.SENSITIVE_COLUMNS, "email"))));
        assertOneLineNaming(
                ExfilguardConfig.SENSITIVE_COLUMNS,
                () -> DetectionSettingsFactory.from(
                        config(Map.of(ExfilguardConfig.SENSITIVE_COLUMNS, "coop.orders.email"))));
        assertOneLineNaming(
                ExfilguardConfig.EGRESS_COLD_START_MIN_BYTES,
                () -> config(Map.of(ExfilguardConfig.EGRESS_COLD_START_MIN_BYTES, "-1")));
    }

    @Test
    void theWiringCarriesEverySettingOfTheConfiguration() {
        ExfilguardConfig config = config(Map.of(
                ExfilguardConfig.SEVERITY_CRITICAL_SCORE, "30",
                ExfilguardConfig.RAW_NORMALISE, "false",
                ExfilguardConfig.MAX_FUTURE_SKEW_HOURS, "2",
                ExfilguardConfig.READ_PROFILE_WRITE_CACHE_BYTES, "1000000"));

        DetectorWiring wiring = TestWiring.of(config).build();

        assertThat(wiring.detection().volume())
                .isEqualTo(DetectionSettingsFactory.from(config).volume());
        assertThat(wiring.incidents().severities().critical()).isEqualTo(30);
        assertThat(wiring.egress().volume())
                .isEqualTo(EgressSettingsFactory.from(config).volume());
        assertThat(wiring.drift()).isEqualTo(DriftSettings.defaults());
        assertThat(wiring.maxFutureSkew()).isEqualTo(Duration.ofHours(2));
        assertThat(wiring.normaliser()).isEmpty();
        assertThat(wiring.coalesceProfileWrites()).isTrue();
    }

    private static void assertOneLineNaming(String key, Runnable build) {
        assertThatThrownBy(build::run)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
