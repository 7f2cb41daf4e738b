package io.clusterflock.cli;

import io.clusterflock.control.ControlClient;
import io.clusterflock.control.ControlCommand;
import io.clusterflock.control.ControlException;

/**
 * Sends one command to a running master over its control socket and prints the answer as it
 * comes: lines on stdout, an {@code error: } line from the master on stderr as
 * {@code clusterflock: ...}, which makes the exit code 2.
 */
final class ControlCall {
    private ControlCall() {}

    /** @return 0, or {@link ExitCodes#USAGE} when the master answered with an error */
    static int send(String name, ControlCommand command) {
        boolean[] refused = {false};
        try {
            ControlClient.forName(name).send(command, line -> {
                if (line.startsWith("error: ")) {
                    refused[0] = true;
                    System.err.println("clusterflock: " + line.substring("error: ".length()));
                } else {
                    System.out.println(line);
                    System.out.flush();
                }
            });
        } catch (ControlException e) {
            throw new OperatorError(e.getMessage());
        }
        return refused[0] ? ExitCodes.USAGE : 0;
    }
}
