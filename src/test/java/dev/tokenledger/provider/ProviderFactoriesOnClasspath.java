package dev.tokenledger.provider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.vertx.core.Vertx;

/**
 * Every provider factory class compiled into the gateway, found by walking the {@code provider} package on disk, so
 * tests cover a new type without anyone adding it to a list.
 */
public final class ProviderFactoriesOnClasspath {

    private ProviderFactoriesOnClasspath() {
    }

    /** The concrete factory classes under {@code dev.tokenledger.provider}, by name. */
    public static List<Class<? extends ProviderFactory>> classes() {
        try {
            Path root = Path.of(ProviderFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = root.resolve(ProviderFactory.class.getPackageName().replace('.', '/'));
            try (Stream<Path> files = Files.walk(dir)) {
                return files.map(f -> root.relativize(f).toString())
                        .filter(f -> f.endsWith(".class") && !f.contains("$"))
                        .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.').replace('\\', '.'))
                        .map(ProviderFactoriesOnClasspath::load)
                        .filter(c -> ProviderFactory.class.isAssignableFrom(c) && !c.isInterface()
                                && !Modifier.isAbstract(c.getModifiers()))
                        .<Class<? extends ProviderFactory>>map(c -> c.asSubclass(ProviderFactory.class))
                        .sorted(Comparator.comparing(Class::getName))
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One instance of every factory class, each built with its {@code Vertx} constructor. */
    public static List<ProviderFactory> instances(Vertx vertx) {
        return classes().stream().map(c -> instance(c, vertx)).toList();
    }

    private static ProviderFactory instance(Class<? extends ProviderFactory> type, Vertx vertx) {
        try {
            return type.getConstructor(Vertx.class).newInstance(vertx);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " has no public constructor taking Vertx", e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ProviderFactory.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
