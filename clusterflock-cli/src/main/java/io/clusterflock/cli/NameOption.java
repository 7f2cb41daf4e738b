package io.clusterflock.cli;

import picocli.CommandLine.Option;

/** {@code --name}: which cluster a control command talks to. */
final class NameOption {
    @Option(names = "--name", paramLabel = "NAME", defaultValue = "default",
            description = "The cluster to talk to, as started with --name (default: ${DEFAULT-VALUE}).")
    String name;
}
