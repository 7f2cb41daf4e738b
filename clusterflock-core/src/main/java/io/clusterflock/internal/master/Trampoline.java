package io.clusterflock.internal.master;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.clusterflock.internal.os.WorkerAccount;

/**
 * How a worker is started so that it gets what SPEC §2 promises that posix_spawn alone cannot
 * give: {@code LISTEN_PID} must be the worker's own pid (sd_listen_fds and gunicorn check it), and
 * the pid is only known in the child; so must {@code WATCHDOG_PID} under a worker timeout
 * (sd_watchdog_enabled). A shell sets them and {@code exec}s the command, so the shell
 * becomes the worker: same pid, no extra process. bash's {@code exec -a} keeps the process title
 * as argv[0]; a plain sh cannot, so titles are lost there. Without any shell the command is
 * spawned directly, with the title but without {@code LISTEN_PID}.
 */
final class Trampoline {
    private static final String PIDS = "export LISTEN_PID=$$; [ -z \"${WATCHDOG_USEC-}\" ] || export WATCHDOG_PID=$$; ";
    private static final String BASH = PIDS + "exec -a \"$0\" \"$@\"";
    private static final String SH = PIDS + "exec \"$@\"";
    /** As another user: the shell execs setpriv, which execs a second bash that gives the command its title. */
    private static final String SWITCH = PIDS + "exec \"$@\"";
    private static final String TITLED = "exec -a \"$0\" \"$@\"";

    private final Path shell;
    private final String script;

    private Trampoline(Path shell, String script) {
        this.shell = shell;
        this.script = script;
    }

    static Trampoline find() {
        for (String bash : List.of("/bin/bash", "/usr/bin/bash")) {
            if (Files.isExecutable(Path.of(bash))) {
                return new Trampoline(Path.of(bash), BASH);
            }
        }
        Path sh = Path.of("/bin/sh");
        return Files.isExecutable(sh) ? new Trampoline(sh, SH) : new Trampoline(null, null);
    }

    /** What posix_spawn runs: the shell, or the command itself (setpriv, to run it as another user). */
    Path executable(Path command, Optional<WorkerAccount> account) {
        return shell != null ? shell : account.map(a -> Path.of(a.switchCommand().getFirst())).orElse(command);
    }

    /**
     * argv for posix_spawn; argv[0] is the process title. As another user, the shell execs
     * {@code setpriv … --}, which execs the command: through bash again when there is bash, so that
     * the command still has the title ({@code exec -a}).
     */
    List<String> argv(String title, Path command, List<String> args, Optional<WorkerAccount> account) {
        List<String> argv = new ArrayList<>();
        if (account.isPresent()) {
            List<String> setpriv = account.get().switchCommand();
            if (shell == null) {
                argv.addAll(setpriv);
            } else {
                argv.addAll(List.of(title, "-c", SWITCH, title));
                argv.addAll(setpriv);
                if (script.equals(BASH)) {
                    argv.addAll(List.of(shell.toString(), "-c", TITLED, title));
                }
            }
            argv.add(command.toString());
            argv.addAll(args);
            return argv;
        }
        argv.add(title);
        if (shell != null) {
            argv.addAll(List.of("-c", script, title, command.toString()));
        }
        argv.addAll(args);
        return argv;
    }
}
