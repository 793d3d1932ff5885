package org.exfilguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standard preset is the workload every published measurement was taken on: new scenario kinds and
 * presets must not move one byte of it. The digests are those of {@code simulate --preset standard --seed 7}
 * as measured before the extended preset existed.
 */
class StandardPresetGoldenTest {
    private static final Map<String, String> SEED_7 = Map.of(
            SimulationFiles.CONN_LOG, "a186a8163b3c09fde8f0d57f20b9d331b69d97a1547c9021b55a806a8b280737",
            SimulationFiles.DB_JSONL, "230bbf2d80c198bc5a021b831ca0a8d7c4c6fdc26f5f251021229903ac684ca5",
            SimulationFiles.EGRESS_JSONL, "8f12fbb6490525272eb4061b3426678dea511174b3d3fc3d06fdb82049e15e3d",
            SimulationFiles.SLOW_LOG, "58672cc30789cf004ca9af655dab0359b97a03f72d0a71bf071a58e5121688c7",
            SimulationFiles.TRUTH_JSONL, "34dd214d0072daaff6b92abcb10f2bc6458985104644116065903b21a7533033");

    @Test
    void standardPresetSeedSevenIsByteIdenticalToItsGoldenDigests(@TempDir Path dir) throws Exception {
        SimulationFiles.write(
                new WorkloadSimulator(SimulationSpec.standard(7)), dir, EnumSet.allOf(SimulationFiles.Format.class));
        for (Map.Entry<String, String> e : SEED_7.entrySet()) {
            assertThat(sha256(dir.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
