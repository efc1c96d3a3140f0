package dev.tokenledger.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * How the integration tests that start gateway processes of their own start the artifact this build packaged: the
 * native executable after {@code -Dnative}, the fast-jar otherwise. Like {@code @QuarkusIntegrationTest}, it goes by
 * {@code target/quarkus-artifact.properties}, which the last package step wrote, so an executable left in
 * {@code target/} by an earlier native build is not mistaken for this build's artifact.
 */
public final class PackagedGateway {

    private static final Path TARGET = Path.of("target");

    private PackagedGateway() {
    }

    /** Whether the packaged artifact is the native executable. */
    public static boolean isNative() {
        return "native".equals(artifact().getProperty("type"));
    }

    /** The command line that starts the packaged gateway with these system properties. */
    public static List<String> command(Map<String, String> systemProperties) {
        Properties artifact = artifact();
        String type = artifact.getProperty("type", "");
        String path = artifact.getProperty("path", "");
        List<String> command = new ArrayList<>();
        if (type.equals("native")) {
            command.add(TARGET.resolve(path).toAbsolutePath().toString());
            systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        } else if (type.equals("jar")) {
            command.add(ProcessHandle.current().info().command().orElse("java"));
            systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.addAll(List.of("-jar", TARGET.resolve(path).toAbsolutePath().toString()));
        } else {
            throw new IllegalStateException("unknown packaged artifact type '" + type + "' in "
                    + TARGET.resolve("quarkus-artifact.properties"));
        }
        return command;
    }

    /** The command line that starts the packaged gateway. */
    public static List<String> command() {
        return command(Map.of());
    }

    private static Properties artifact() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(TARGET.resolve("quarkus-artifact.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("no packaged artifact: run the package phase first", e);
        }
        return properties;
    }
}
