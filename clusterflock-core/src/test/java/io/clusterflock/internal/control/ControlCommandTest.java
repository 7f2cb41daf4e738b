package io.clusterflock.internal.control;

import io.clusterflock.control.ControlCommand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ControlCommandTest {

    @Test
    void everyCommandReadsBackFromItsOwnLine() {
        for (ControlCommand command : List.of(new ControlCommand.Status(false), new ControlCommand.Status(true),
                new ControlCommand.Scale(1), new ControlCommand.Scale(1024), new ControlCommand.Reload(),
                new ControlCommand.Restart(), new ControlCommand.Stop(), new ControlCommand.Kill(),
                new ControlCommand.StickyFor("127.0.0.7"), new ControlCommand.StickyFor("2001:db8::7"))) {
            assertEquals(command, ControlCommand.parse(command.line()), command.line());
        }
    }

    @Test
    void blanksAroundAndBetweenWordsDoNotMatter() {
        assertEquals(new ControlCommand.Scale(5), ControlCommand.parse("  scale \t 5  "));
        assertEquals(new ControlCommand.Status(true), ControlCommand.parse("status  --json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1025", "-1", "+5", "5.0", "1e3", "99999999999", "abc", "５"})
    void scaleRefusesAnythingButAWholeNumberFrom1To1024(String n) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ControlCommand.parse("scale " + n));
        assertEquals("scale: '" + n + "' is not allowed; use a whole number from 1 to 1024", e.getMessage());
    }

    @Test
    void scaleWantsExactlyOneNumber() {
        assertTrue(message("scale").startsWith("scale takes one number"));
        assertTrue(message("scale 1 2").startsWith("scale takes one number"));
    }

    @Test
    void unknownAndEmptyCommandsListTheCommands() {
        assertEquals("unknown command 'restrat'; commands: " + ControlCommand.USAGE, message("restrat"));
        assertEquals("empty command; commands: " + ControlCommand.USAGE, message("   "));
        assertEquals("unknown command 'STATUS'; commands: " + ControlCommand.USAGE, message("STATUS"));
    }

    @Test
    void anEchoedWordIsCutShort() {
        String long1 = "x".repeat(500);
        assertEquals("unknown command '" + "x".repeat(40) + "...'; commands: " + ControlCommand.USAGE, message(long1));
    }

    @Test
    void argumentsWhereNoneAreTakenAreRefused() {
        assertEquals("reload takes no arguments", message("reload now"));
        assertEquals("stop takes no arguments", message("stop --force"));
        assertEquals("status takes only --json, not '--yaml'", message("status --yaml"));
        assertEquals("sticky-for takes one IP address, such as 192.0.2.7 or 2001:db8::7", message("sticky-for"));
        assertEquals("sticky-for takes one IP address, such as 192.0.2.7 or 2001:db8::7", message("sticky-for 1.2.3.4 5.6.7.8"));
    }

    private static String message(String line) {
        return assertThrows(IllegalArgumentException.class, () -> ControlCommand.parse(line)).getMessage();
    }
}
