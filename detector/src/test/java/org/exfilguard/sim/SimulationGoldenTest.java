package org.exfilguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simulate --preset standard --seed 7 --days 2 --service-accounts 1 --service-peak-per-hour 20} writes the
 * same bytes as the build that recorded {@code sim/standard-seed7-2days.sha256} ({@code sha256sum} of its output),
 * so a change to the JSON codec or a log writer cannot silently change the workloads others replay.
 */
class SimulationGoldenTest {

    @Test
    void standardPresetWritesTheRecordedBytes(@TempDir Path dir) throws IOException, NoSuchAlgorithmException {
        SimulationSpec spec = SimulationSpec.standard(7).withDays(2);
        spec = spec.withPopulation(spec.population().withServiceAccounts(1).withServicePeakPerHour(20));

        SimulationFiles.write(new WorkloadSimulator(spec), dir, EnumSet.allOf(SimulationFiles.Format.class));

        Map<String, String> actual = new TreeMap<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                actual.put(f.getFileName().toString(), sha256(f));
            }
        }
        assertThat(actual).isEqualTo(recorded());
    }

    private static Map<String, String> recorded() throws IOException {
        Map<String, String> digests = new TreeMap<>();
        try (InputStream in = SimulationGoldenTest.class.getResourceAsStream("/sim/standard-seed7-2days.sha256")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .strip()
                    .split("\n")) {
                String[] parts = line.split("\\s+");
                digests.put(parts[1], parts[0]);
            }
        }
        return digests;
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
