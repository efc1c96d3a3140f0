package dev.tokenledger.config;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code docs/configuration.md} has one table row per option of {@link GatewayConfig}, with the option's type and
 * default. The options are found by reflection over the mapping's interfaces, named the way SmallRye Config names
 * them (kebab case, {@code @WithName}, {@code @WithParentName}); map keys and list indexes are placeholders.
 */
class ConfigurationDocTest {

    private static final Path DOC = Path.of("docs/configuration.md");
    private static final String PREFIX = GatewayConfig.class.getAnnotation(ConfigMapping.class).prefix();

    /** One option as the code declares it. */
    record Option(String name, String type, String defaultCell) {
        String row() {
            return "| `" + name + "` | " + type + " | " + defaultCell + " | <meaning> |";
        }
    }

    /** One row of the table. */
    record Row(String name, String type, String defaultCell) {
    }

    @Test
    void everyOptionIsDocumentedOnceWithItsTypeAndDefaultAndNothingElseIs() throws IOException {
        Map<String, Option> declared = new LinkedHashMap<>();
        walk(GatewayConfig.class, PREFIX, declared);
        Map<String, Row> documented = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Row row : rows()) {
            if (documented.putIfAbsent(key(row.name()), row) != null) {
                problems.add("listed twice: " + row.name());
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Option option : declared.values()) {
            Row row = documented.get(key(option.name()));
            if (row == null) {
                missing.add(option.row());
            } else if (!row.type().equals(option.type()) || !defaultMatches(option, row.defaultCell())) {
                wrong.add(row.name() + ": documented as " + row.type() + ", " + row.defaultCell() + "; the code says "
                        + option.type() + ", " + option.defaultCell());
            }
        }
        List<String> extra = documented.values().stream().filter(r -> !declared.containsKey(key(r.name())))
                .map(r -> "| `" + r.name() + "` |").toList();
        if (!missing.isEmpty()) {
            problems.add("Rows missing from " + DOC + " (add them, with their meaning):\n" + String.join("\n", missing));
        }
        if (!extra.isEmpty()) {
            problems.add("Rows naming no option of GatewayConfig (remove them):\n" + String.join("\n", extra));
        }
        if (!wrong.isEmpty()) {
            problems.add("Rows with another type or default than the code:\n" + String.join("\n", wrong));
        }
        assertEquals("", String.join("\n", problems), DOC + " is out of step with GatewayConfig");
    }

    @Test
    void theWalkFindsNamesAsSmallRyeWritesThem() {
        Map<String, Option> declared = new LinkedHashMap<>();
        walk(GatewayConfig.class, PREFIX, declared);
        assertEquals(new Option("tokenledger.providers.<id>.connect-timeout", "duration", "`10s`"),
                declared.get(key("tokenledger.providers.<id>.connect-timeout")));
        assertEquals(new Option("tokenledger.models.<alias>.deployments[n].input-price-per-mtok", "decimal", "optional"),
                declared.get(key("tokenledger.models.<alias>.deployments[n].input-price-per-mtok")));
        assertEquals(new Option("tokenledger.providers.<id>.headers.<name>", "map", "optional"),
                declared.get(key("tokenledger.providers.<id>.headers.<name>")));
        assertEquals(new Option("tokenledger.admission.adaptive.header-threshold", "decimal", "`0.05`"),
                declared.get(key("tokenledger.admission.adaptive.header-threshold")));
        assertEquals(new Option("tokenledger.providers.<id>.type", "string", "required"),
                declared.get(key("tokenledger.providers.<id>.type")));
    }

    /** A name with every placeholder made alike: {@code <id>}, {@code <alias>} and {@code [n]} match any. */
    private static String key(String name) {
        return name.replaceAll("<[^>]*>", "<>").replaceAll("\\[[^]]*]", "[]");
    }

    private static boolean defaultMatches(Option option, String cell) {
        return switch (option.defaultCell()) {
            case "required" -> cell.equals("required");
            // no default in the code: the table explains what absence means, in words (not a literal, not "required")
            case "optional" -> !cell.equals("required") && !cell.startsWith("`");
            default -> cell.equals(option.defaultCell());
        };
    }

    private static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(DOC)) {
            if (line.startsWith("| `" + PREFIX + ".")) {
                String[] cells = line.split("\\|");
                rows.add(new Row(cells[1].trim().replace("`", ""), cells[2].trim(), cells[3].trim()));
            }
        }
        return rows;
    }

    private static void walk(Class<?> group, String prefix, Map<String, Option> options) {
        List<Method> methods = new ArrayList<>(Arrays.asList(group.getMethods()));
        methods.sort(Comparator.comparing(Method::getName));
        for (Method method : methods) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0
                    || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = method.isAnnotationPresent(WithParentName.class)
                    ? prefix
                    : prefix + "." + (method.isAnnotationPresent(WithName.class)
                            ? method.getAnnotation(WithName.class).value()
                            : ConfigMapping.NamingStrategy.KEBAB_CASE.apply(method.getName()));
            WithDefault withDefault = method.getAnnotation(WithDefault.class);
            property(name, method.getGenericReturnType(), withDefault == null ? null : withDefault.value(), false,
                    options);
        }
    }

    /** Adds the option(s) of one property: a leaf, or a group, map or list of groups walked further. */
    private static void property(String name, Type type, String defaultValue, boolean optional,
            Map<String, Option> options) {
        Class<?> raw = raw(type);
        if (raw == Optional.class) {
            property(name, argument(type, 0), defaultValue, true, options);
        } else if (raw == OptionalInt.class || raw == OptionalLong.class || raw == OptionalDouble.class) {
            leaf(name, raw == OptionalInt.class ? "integer" : raw == OptionalLong.class ? "long" : "decimal", defaultValue,
                    true, options);
        } else if (Map.class.isAssignableFrom(raw)) {
            String placeholder = name + "." + placeholder(name);
            Type value = argument(type, 1);
            if (isGroup(raw(value))) {
                walk(raw(value), placeholder, options);
            } else {
                leaf(placeholder, "map", defaultValue, true, options);
            }
        } else if (List.class.isAssignableFrom(raw) || Set.class.isAssignableFrom(raw)) {
            Class<?> element = raw(argument(type, 0));
            if (isGroup(element)) {
                walk(element, name + "[n]", options);
            } else {
                leaf(name, List.class.isAssignableFrom(raw) ? "list" : "set", defaultValue, true, options);
            }
        } else if (isGroup(raw)) {
            walk(raw, name, options);
        } else {
            leaf(name, leafType(raw), defaultValue, optional, options);
        }
    }

    private static void leaf(String name, String type, String defaultValue, boolean optional,
            Map<String, Option> options) {
        String cell = defaultValue != null ? "`" + defaultValue + "`" : optional ? "optional" : "required";
        options.put(key(name), new Option(name, type, cell));
    }

    /** How the table names the keys of a map: providers by id, models by alias, anything else by name. */
    private static String placeholder(String mapName) {
        String last = mapName.substring(mapName.lastIndexOf('.') + 1);
        return switch (last) {
            case "providers" -> "<id>";
            case "models" -> "<alias>";
            default -> "<name>";
        };
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && !type.getName().startsWith("java.");
    }

    private static String leafType(Class<?> type) {
        if (type == String.class || type.isEnum()) {
            return "string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "boolean";
        }
        if (type == int.class || type == Integer.class || type == short.class || type == Short.class) {
            return "integer";
        }
        if (type == long.class || type == Long.class || type == BigInteger.class) {
            return "long";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class
                || type == BigDecimal.class) {
            return "decimal";
        }
        if (type == Duration.class) {
            return "duration";
        }
        if (type == MemorySize.class) {
            return "size";
        }
        return type.getSimpleName();
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }
}
