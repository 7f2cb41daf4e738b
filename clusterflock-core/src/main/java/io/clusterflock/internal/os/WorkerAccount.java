package io.clusterflock.internal.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The user and group workers run as ({@code --user}, {@code --group}), when not the master's. A
 * worker switches in its own process before it runs the command: util-linux's {@code setpriv}
 * sets the real, effective and saved ids and clears the supplementary groups, then execs, so the
 * worker keeps its pid (LISTEN_PID) and the master its privileges.
 *
 * @param user  the user's name
 * @param uid   its uid
 * @param gid   the group's gid: {@code --group}, else the user's primary group
 * @param group the group's name
 * @param home  the user's home directory, the workers' {@code HOME}
 */
public record WorkerAccount(String user, int uid, int gid, String group, Path home) {
    private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    /** The account of {@code user} and {@code group}; empty when neither is given (the master's own). */
    public static Optional<WorkerAccount> of(Optional<String> user, Optional<String> group) {
        if (user.isEmpty() && group.isEmpty()) {
            return Optional.empty();
        }
        Accounts.User who = user.map(name -> Accounts.user(name).orElseThrow(() -> new NativeException("no user " + name, 0)))
                .orElseGet(() -> Accounts.user(Integer.toUnsignedString(Accounts.effectiveUid()))
                        .orElseThrow(() -> new NativeException("the master's own user is unknown", 0)));
        Accounts.Group with = group.map(name -> Accounts.group(name).orElseThrow(() -> new NativeException("no group " + name, 0)))
                .orElseGet(() -> Accounts.group(who.gid()));
        return Optional.of(new WorkerAccount(who.name(), who.uid(), with.gid(), with.name(), who.home()));
    }

    /** Where setpriv is, if it is installed. */
    public static Optional<Path> setpriv() {
        return SETPRIV.stream().filter(Files::isExecutable).findFirst();
    }

    /** The words that run a command as this account: {@code setpriv --reuid=U --regid=G --clear-groups --}. */
    public List<String> switchCommand() {
        return List.of(setpriv().orElseThrow(() -> new NativeException("setpriv (util-linux) is not installed", 0)).toString(),
                "--reuid=" + Integer.toUnsignedString(uid), "--regid=" + Integer.toUnsignedString(gid), "--clear-groups", "--");
    }

    /** "nobody:nogroup (65534:65534)": for the log. */
    public String describe() {
        return user + ":" + group + " (" + Integer.toUnsignedString(uid) + ":" + Integer.toUnsignedString(gid) + ")";
    }
}
