package io.clusterflock.cli;

import io.clusterflock.internal.master.ConsoleLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code clusterflock} command. */
@Command(name = "clusterflock", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Runs a program as a supervised cluster of worker processes sharing one listening socket.",
        subcommands = {RunCommand.class, DemoCommand.class, StatusCommand.class, ScaleCommand.class, ReloadCommand.class,
            RestartCommand.class, StopCommand.class, KillCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        ConsoleLog.install();
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setExecutionExceptionHandler(Main::failure);
        return cli;
    }

    /** Bad input: one line naming what is wrong, exit 2, no usage dump and no stack trace. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        System.err.println("clusterflock: " + e.getMessage());
        return ExitCodes.USAGE;
    }

    private static int failure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        if (e instanceof OperatorError) {
            System.err.println("clusterflock: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        throw new IllegalStateException(e); // a defect: the stack trace is the useful report
    }
}
