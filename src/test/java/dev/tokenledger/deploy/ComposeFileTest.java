package dev.tokenledger.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docker-compose.yml} is a valid Compose file (the Compose Specification's JSON schema, committed under
 * {@code src/test/resources/compose/} with its source) and starts what the manual says: the gateway from
 * {@code Dockerfile.jvm} on PostgreSQL and Redis it waits for, Prometheus and Grafana only in the
 * {@code monitoring} profile, every file it mounts present.
 */
class ComposeFileTest {

    static final Path COMPOSE = Path.of("docker-compose.yml");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    JsonNode compose() throws IOException {
        return YAML.readTree(COMPOSE.toFile());
    }

    /** The schema, located on the class path so that its relative {@code $id} has a base. */
    static JsonSchema schema() {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(SchemaLocation.of("classpath:compose/compose-spec.json"));
    }

    @Test
    void validAgainstTheComposeSpecification() throws IOException {
        JsonSchema schema = schema();
        Set<ValidationMessage> errors = schema.validate(compose());
        assertEquals(Set.of(), errors, "docker-compose.yml does not follow the Compose Specification");
    }

    @Test
    void theSchemaRefusesAnInvalidFile() throws IOException {
        JsonSchema schema = schema();
        JsonNode broken = YAML.readTree("services:\n  gateway:\n    image: x\n    depends_on: {postgres: {condition: "
                + "sometimes}}\n    restart_policy: always\n");
        assertTrue(schema.validate(broken).size() >= 2, "the schema validation catches mistakes");
    }

    @Test
    void gatewayWaitsForItsServicesAndMonitoringIsOptional() throws IOException {
        JsonNode services = compose().path("services");
        JsonNode gateway = services.path("gateway");
        assertEquals("Dockerfile.jvm", gateway.path("build").path("dockerfile").asText());
        assertTrue(Files.exists(Path.of(gateway.path("build").path("dockerfile").asText())));
        for (String dependency : List.of("postgres", "redis")) {
            assertEquals("service_healthy", gateway.path("depends_on").path(dependency).path("condition").asText(),
                    dependency);
            assertTrue(services.path(dependency).has("healthcheck"), dependency + " has a health check");
            assertTrue(services.path(dependency).path("profiles").isMissingNode(), dependency + " always starts");
        }
        JsonNode env = gateway.path("environment");
        assertTrue(env.path("QUARKUS_DATASOURCE_JDBC_URL").asText().contains("//postgres:5432/"));
        assertTrue(env.path("TOKENLEDGER_REDIS_URL").asText().startsWith("redis://redis:6379"));
        assertTrue(env.path("TOKENLEDGER_MASTER_KEY").asText().contains(":?"), "no default master key");
        for (String optional : List.of("prometheus", "grafana")) {
            assertEquals("monitoring", services.path(optional).path("profiles").path(0).asText(), optional);
        }
        String scrape = Files.readString(Path.of("compose/prometheus.yml"));
        assertTrue(scrape.contains("gateway:9000") && scrape.contains("/q/metrics"), scrape);
    }

    @Test
    void everyMountedFileExists() throws IOException {
        List<String> missing = new ArrayList<>();
        compose().path("services").forEach(service -> service.path("volumes").forEach(volume -> {
            String source = volume.asText().split(":")[0];
            if (source.startsWith("./") && !Files.exists(Path.of(source))) {
                missing.add(source);
            }
        }));
        assertEquals(List.of(), missing);
    }
}
