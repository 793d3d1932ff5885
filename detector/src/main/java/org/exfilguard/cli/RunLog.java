package org.exfilguard.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The log file of one run of a story-telling command (demo, backtest, ...): a new file per run,
 * {@code exfilguard-<command>-<UTC time>-<pid>.log} in the temporary directory, so concurrent runs do not clobber
 * each other's log and a run never truncates an older one. The file is created with {@code CREATE_NEW}, which
 * neither follows a symlink planted at its name nor opens an existing file, and readable by its owner only
 * (Kafka's logs name hosts and topics).
 */
public final class RunLog {

    /** System property logback-quiet.xml reads the file name from. */
    public static final String PROPERTY = "exfilguard.log.file";

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final int ATTEMPTS = 100;

    private RunLog() {}

    /** Creates the run's log file in {@code dir}; another name when one is taken (a second run in the same second). */
    public static Path create(Path dir, String command, Instant now, long pid) throws IOException {
        String base = "exfilguard-" + command.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + STAMP.format(now) + "-" + pid;
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        for (int i = 0; i < ATTEMPTS; i++) {
            Path file = dir.resolve(i == 0 ? base + ".log" : base + "-" + i + ".log");
            try {
                FileAttribute<?>[] attrs = posix
                        ? new FileAttribute<?>[] {
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                        }
                        : new FileAttribute<?>[0];
                Files.newByteChannel(
                                file,
                                java.util.Set.of(
                                        StandardOpenOption.CREATE_NEW,
                                        StandardOpenOption.WRITE,
                                        LinkOption.NOFOLLOW_LINKS),
                                attrs)
                        .close();
                return file;
            } catch (FileAlreadyExistsException e) {
                // Taken (or a link planted there): try the next name.
            }
        }
        throw new IOException("could not create a new log file named " + base + "*.log in " + dir);
    }
}
