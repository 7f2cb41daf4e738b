package io.clusterflock.internal.control;

import io.clusterflock.control.ControlException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The directories that hold control sockets: each must be a real directory (not a link), owned by
 * this user, mode 0700, so that no other user can reach what is inside. The master creates them;
 * a directory someone else made, or one left open to others, is refused rather than trusted or
 * silently fixed (in a shared /tmp it may be a trap).
 */
public final class PrivateDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private PrivateDirectory() {}

    /**
     * Creates {@code directory} with mode 0700 if it is missing (its parent must exist), then checks it.
     *
     * @throws NoSuchFileException when the parent is missing (it may have just been removed: try again)
     * @throws ControlException    when it exists but is not private to this user
     */
    static void ensure(Path directory) throws IOException {
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.setPosixFilePermissions(directory, OWNER_ONLY); // the umask may have taken bits away
        } catch (FileAlreadyExistsException e) {
            // made earlier, by us or by someone else: the check tells
        }
        check(directory);
    }

    /**
     * Checks that {@code directory} is private to this user.
     *
     * @throws NoSuchFileException when it does not exist
     * @throws ControlException    when it is not a directory, not ours, or open to others
     */
    public static void check(Path directory) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String problem = null;
        if (attributes.isSymbolicLink()) {
            problem = "it is a symbolic link";
        } else if (!attributes.isDirectory()) {
            problem = "it is not a directory";
        } else if (!ownedByUs(directory)) {
            problem = "it belongs to " + attributes.owner().getName() + ", not to you; remove it, or set XDG_RUNTIME_DIR";
        } else if (!attributes.permissions().equals(OWNER_ONLY)) {
            problem = "its mode is " + PosixFilePermissions.toString(attributes.permissions())
                    + ", it must be rwx------ (chmod 700 " + directory + ")";
        }
        if (problem != null) {
            throw new ControlException("cannot use " + directory + " for control sockets: " + problem);
        }
    }

    private static boolean ownedByUs(Path directory) throws IOException {
        Object owner = Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        return owner.toString().equals(ControlPaths.uid());
    }
}
