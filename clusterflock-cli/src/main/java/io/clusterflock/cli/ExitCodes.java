package io.clusterflock.cli;

/** What the command exits with besides the master's own code (0 graceful, 1 killed). */
final class ExitCodes {
    /** Bad input, or a cluster that could not start: nothing was left running. */
    static final int USAGE = 2;

    private ExitCodes() {}
}
