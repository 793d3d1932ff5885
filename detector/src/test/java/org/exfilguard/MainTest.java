package org.exfilguard;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void repeatedOptionsDoNotBreakLoggingSetUp() {
        assertThatCode(() -> Main.configureLogging(new String[] {"run", "--set", "a=1", "--set", "b=2"}))
                .doesNotThrowAnyException();
    }
}
