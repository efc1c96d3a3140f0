package dev.tokenledger.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a client program of the gateway (an SDK example, a script) as a separate process. */
public final class Processes {

    private Processes() {
    }

    /**
     * Runs {@code command} in {@code dir} with extra environment and answers what it printed (stdout and stderr).
     * Its standard input is empty (closed at once), as for a program run by a script.
     *
     * @throws AssertionError when it cannot start, does not finish in time, or exits with another status than 0
     */
    public static String run(List<String> command, Path dir, Map<String, String> env, int timeoutSeconds) {
        try {
            Path log = Files.createTempFile("client", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            String output = Files.readString(log);
            Files.deleteIfExists(log);
            if (!done) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s:\n" + output);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(command + " exited with " + process.exitValue() + ":\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** Whether {@code command} runs and exits with 0 (a tool is installed, a module importable). */
    public static boolean succeeds(List<String> command, Path dir) {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
