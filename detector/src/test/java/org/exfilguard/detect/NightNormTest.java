package org.exfilguard.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.exfilguard.profile.BandPeaks;
import org.junit.jupiter.api.Test;

class NightNormTest {

    private static final long MARCH_2 = LocalDate.parse("2026-03-02").toEpochDay();

    @Test
    void theDefaultBandIsMidnightToSixInTheZone() {
        NightNorm night = NightNorm.defaults();
        assertThat(night.bandDay(Instant.parse("2026-03-02T00:00:00Z"))).isEqualTo(MARCH_2);
        assertThat(night.bandDay(Instant.parse("2026-03-02T05:59:59Z"))).isEqualTo(MARCH_2);
        assertThat(night.bandDay(Instant.parse("2026-03-02T06:00:00Z"))).isEqualTo(BandPeaks.NONE);
        assertThat(night.bandDay(Instant.parse("2026-03-02T23:59:00Z"))).isEqualTo(BandPeaks.NONE);
        assertThat(night.hours())
                .containsExactly(
                        true, true, true, true, true, true, false, false, false, false, false, false, false, false,
                        false, false, false, false, false, false, false, false, false, false);
        assertThat(night.applies(Duration.ofHours(1))).isTrue();
        assertThat(night.applies(Duration.ofDays(1))).isFalse();
    }

    @Test
    void aBandPastMidnightBelongsToTheEveningItStartsAndFollowsTheZone() {
        NightNorm night = NightNorm.parse(ZoneId.of("Europe/London"), "22:30-05:00");
        assertThat(night.length()).isEqualTo(Duration.ofMinutes(390));
        // British Summer Time: 22:30 local is 21:30 UTC.
        assertThat(night.bandDay(Instant.parse("2026-07-01T21:30:00Z")))
                .isEqualTo(LocalDate.parse("2026-07-01").toEpochDay());
        assertThat(night.bandDay(Instant.parse("2026-07-02T03:59:00Z")))
                .isEqualTo(LocalDate.parse("2026-07-01").toEpochDay());
        assertThat(night.bandDay(Instant.parse("2026-07-02T04:00:00Z"))).isEqualTo(BandPeaks.NONE);
        assertThat(night.hours()[22]).isTrue();
        assertThat(night.hours()[4]).isTrue();
        assertThat(night.hours()[5]).isFalse();
        assertThat(night.hours()[21]).isFalse();
    }

    @Test
    void badBandsAreRefusedWithTheBandInTheMessage() {
        assertThatThrownBy(() -> NightNorm.parse(ZoneOffset.UTC, "midnight"))
                .hasMessageContaining("'midnight'")
                .hasMessageContaining("HH:MM-HH:MM");
        assertThatThrownBy(() -> NightNorm.parse(ZoneOffset.UTC, "25:00-06:00")).hasMessageContaining("25:00");
        assertThatThrownBy(() -> NightNorm.parse(ZoneOffset.UTC, "02:00-02:00")).hasMessageContaining("same time");
    }

    @Test
    void bandPeaksKeepOneCleanPeakPerBandDayWithReadsAndIgnoreLateOnes() {
        BandPeaks band = new BandPeaks(3);
        band.roll(10);
        assertThat(band.historySize()).isZero();
        band.observeClean(10, 500);
        band.observeClean(10, 700);
        band.observeClean(10, 600);
        band.roll(11);
        // A day on which nothing in the band was clean leaves no entry.
        band.roll(12);
        band.observeClean(11, 9_999);
        band.observeClean(12, 300);
        band.observeClean(15, 400);
        band.observeClean(16, 800);
        band.observeClean(17, 200);
        assertThat(band.history()).containsExactly(300, 400, 800);
        assertThat(band.peak()).isEqualTo(200);
    }
}
