package org.exfilguard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.exfilguard.detect.PeerGroups;

/** The peer groups of {@code peer.groups} and {@code peer.groups.file}; a bad entry or line names itself. */
public final class PeerGroupsFactory {

    private PeerGroupsFactory() {}

    public static PeerGroups from(ExfilguardConfig config) {
        String file = config.getString(ExfilguardConfig.PEER_GROUPS_FILE).trim();
        List<String> lines = List.of();
        if (!file.isEmpty()) {
            try {
                lines = Files.readAllLines(Path.of(file));
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(ExfilguardConfig.PEER_GROUPS_FILE, file, "cannot read it: " + e.getMessage());
            }
        }
        try {
            return PeerGroups.parse(config.getList(ExfilguardConfig.PEER_GROUPS), file, lines);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
