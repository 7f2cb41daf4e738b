package io.clusterflock.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Private copies of what the tests run from target/: the shaded jar, the fixture worker classes and
 * the Python worker. Taken once per test JVM, so that a build running beside the suite (which
 * rewrites target/) cannot change or remove them while masters and workers start. Removed at exit.
 */
final class BuildCopies {
    private static final Path ROOT = Copies.temporaryRoot("clusterflock-it-build-");
    private static final Path JAR = copyJar();
    private static final Path CLASSES = Copies.classesOf(InheritedHttpWorker.class, ROOT.resolve("classes"));
    private static final Path PYTHON_WORKER = copyResource("listen_fds_worker.py");

    private BuildCopies() {}

    /** The clusterflock jar the suite tests (failsafe names it in system property clusterflock.jar). */
    static Path jar() {
        return JAR;
    }

    /** A class path holding {@link InheritedHttpWorker}. */
    static Path workerClasses() {
        return CLASSES;
    }

    /** listen_fds_worker.py. */
    static Path pythonWorker() {
        return PYTHON_WORKER;
    }


    private static Path copyJar() {
        String jar = System.getProperty("clusterflock.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new AssertionError("system property clusterflock.jar must name the shaded jar (failsafe sets it), not "
                    + jar);
        }
        return Copies.copy(Path.of(jar), ROOT.resolve("clusterflock.jar"));
    }


    private static Path copyResource(String name) {
        String pkg = BuildCopies.class.getPackageName().replace('.', '/');
        return Copies.copy(Copies.testClasses().resolve(pkg).resolve(name), ROOT.resolve(name));
    }



}
