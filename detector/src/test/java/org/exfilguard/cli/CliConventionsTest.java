package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.exfilguard.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Conventions every subcommand keeps, checked over the command tree rather than command by command. */
class CliConventionsTest {

    @Test
    void everyCommandThatTakesBootstrapServersAlsoTakesKafkasOwnSpelling() {
        List<String> commands = new ArrayList<>();
        new CommandLine(new Main()).getSubcommands().forEach((name, command) -> {
            CommandLine.Model.OptionSpec plural = command.getCommandSpec().findOption("--bootstrap-servers");
            if (plural != null) {
                commands.add(name);
                assertThat(command.getCommandSpec().findOption("--bootstrap-server")).as(name).isSameAs(plural);
            }
        });
        assertThat(commands).contains("run", "setup", "alerts", "reset", "replay");
    }
}
