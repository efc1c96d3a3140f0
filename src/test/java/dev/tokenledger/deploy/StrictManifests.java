package dev.tokenledger.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * Reads Kubernetes manifests and Kustomize files the way the API server would accept them, so that a typo fails a
 * unit test instead of a deployment.
 * <p>
 * The fabric8 models are generated from the Kubernetes OpenAPI schema, but every model class has a
 * {@code @JsonAnySetter} that silently collects unknown fields into {@code additionalProperties}; Jackson never reports
 * unknown fields for such classes, whatever {@code FAIL_ON_UNKNOWN_PROPERTIES} says. The mapper here therefore uses an
 * annotation introspector that ignores any-setters, which turns every unknown or misspelled field into an
 * {@code UnrecognizedPropertyException}. It also refuses the coercions that Kubernetes refuses (a quoted number for an
 * integer, a number or boolean where a string belongs, such as an unquoted annotation value) and duplicate keys.
 * <p>
 * Only the apiVersion/kind pairs listed in {@link #TYPES} are accepted, so a removed API version (say
 * {@code policy/v1beta1}) fails too. The ServiceMonitor (a Prometheus Operator CRD, not in the fabric8 core models) is
 * checked against the records below, which cover the part of its schema that TokenLedger uses: extend them when a
 * manifest needs another field.
 */
final class StrictManifests {

    /** Accepted resource types, keyed by {@code apiVersion + " " + kind}. */
    static final Map<String, Class<?>> TYPES = Map.of(
            "v1 ConfigMap", ConfigMap.class,
            "v1 Secret", Secret.class,
            "v1 Service", Service.class,
            "apps/v1 Deployment", Deployment.class,
            "networking.k8s.io/v1 Ingress", Ingress.class,
            "autoscaling/v2 HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "policy/v1 PodDisruptionBudget", PodDisruptionBudget.class,
            "monitoring.coreos.com/v1 ServiceMonitor", ServiceMonitor.class);

    static final String KUSTOMIZE_API_VERSION = "kustomize.config.k8s.io/v1beta1";

    private static final ObjectMapper MAPPER = strictMapper();

    private StrictManifests() {
    }

    /** One document of a YAML file, deserialized into its typed model. */
    record Manifest(String source, String apiVersion, String kind, String name, JsonNode tree, Object model) {

        String id() {
            return kind + "/" + name;
        }

        <T> T as(Class<T> type) {
            return type.cast(model);
        }
    }

    /** A manifest, patch or Kustomize file that Kubernetes or Kustomize would refuse. */
    static final class InvalidManifestException extends RuntimeException {
        InvalidManifestException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static ObjectMapper strictMapper() {
        YAMLFactory yaml = YAMLFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return YAMLMapper.builder(yaml)
                .annotationIntrospector(new JacksonAnnotationIntrospector() {
                    @Override
                    public Boolean hasAnySetter(Annotated annotated) {
                        return Boolean.FALSE;
                    }
                })
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // Jackson turns any scalar into a String regardless of the feature above; Kubernetes does not.
                .withCoercionConfig(LogicalType.Textual, textual -> textual
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    /** Every document of a file: Kubernetes resources, or one Kustomize file. */
    static List<Manifest> read(Path file) {
        try {
            return read(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every non-empty document of a YAML stream, each deserialized strictly into the type of its apiVersion/kind. */
    static List<Manifest> read(String yaml, String source) {
        List<Manifest> manifests = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (documents.hasNextValue()) {
                JsonNode tree = documents.nextValue();
                index++;
                if (tree == null || tree.isNull() || tree.isMissingNode()) {
                    continue;
                }
                String where = source + " (document " + index + ")";
                manifests.add(toManifest(tree, where));
            }
        } catch (JsonProcessingException e) {
            throw invalid(source, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return manifests;
    }

    /** A {@code kustomization.yaml} (or Kustomize {@code Component}), strictly. */
    static Kustomization readKustomization(Path file) {
        String source = file.toString();
        try {
            JsonNode tree = MAPPER.readTree(Files.readString(file));
            String kind = text(tree, "kind");
            if (!"Kustomization".equals(kind) || !KUSTOMIZE_API_VERSION.equals(text(tree, "apiVersion"))) {
                throw new InvalidManifestException(source + ": expected apiVersion " + KUSTOMIZE_API_VERSION
                        + " and kind Kustomization, found " + text(tree, "apiVersion") + " " + kind, null);
            }
            return MAPPER.treeToValue(tree, Kustomization.class);
        } catch (JsonProcessingException e) {
            throw invalid(source, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a YAML document without schema, e.g. the application.yaml held by the ConfigMap. */
    static JsonNode readTree(String yaml, String source) {
        try {
            return MAPPER.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw invalid(source, e);
        }
    }

    private static Manifest toManifest(JsonNode tree, String source) throws JsonProcessingException {
        if (!tree.isObject()) {
            throw new InvalidManifestException(source + ": a manifest must be a mapping, found " + tree.getNodeType(), null);
        }
        String apiVersion = text(tree, "apiVersion");
        String kind = text(tree, "kind");
        Class<?> type = TYPES.get(apiVersion + " " + kind);
        if (type == null) {
            throw new InvalidManifestException(source + ": unsupported apiVersion/kind '" + apiVersion + " " + kind
                    + "'; known: " + TYPES.keySet().stream().sorted().collect(Collectors.joining(", ")), null);
        }
        String name = tree.path("metadata").path("name").asText(null);
        if (name == null || name.isBlank()) {
            throw new InvalidManifestException(source + ": " + kind + " has no metadata.name", null);
        }
        try {
            return new Manifest(source, apiVersion, kind, name, tree, MAPPER.treeToValue(tree, type));
        } catch (JsonProcessingException e) {
            throw invalid(source + " " + kind + "/" + name, e);
        }
    }

    private static String text(JsonNode tree, String field) {
        JsonNode value = tree.get(field);
        return value == null || !value.isTextual() ? null : value.asText();
    }

    private static InvalidManifestException invalid(String source, JsonProcessingException e) {
        StringBuilder message = new StringBuilder(source).append(": ");
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            message.append("at ").append(path(mapping.getPath())).append(": ");
        }
        String original = e.getOriginalMessage();
        int newline = original.indexOf('\n');
        message.append(newline < 0 ? original : original.substring(0, newline));
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            message.append(" (line ").append(e.getLocation().getLineNr()).append(')');
        }
        return new InvalidManifestException(message.toString(), e);
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    // --- monitoring.coreos.com/v1 ServiceMonitor: the fields TokenLedger uses ---

    record ServiceMonitor(String apiVersion, String kind, ObjectMeta metadata, ServiceMonitorSpec spec) {
    }

    record ServiceMonitorSpec(LabelSelector selector, List<ServiceMonitorEndpoint> endpoints,
            ServiceMonitorNamespaceSelector namespaceSelector, String jobLabel) {
    }

    record ServiceMonitorNamespaceSelector(Boolean any, List<String> matchNames) {
    }

    record ServiceMonitorEndpoint(String port, IntOrString targetPort, String path, String scheme, String interval,
            String scrapeTimeout, Boolean honorLabels) {
    }

    // --- kustomize.config.k8s.io/v1beta1 Kustomization: the fields TokenLedger uses ---

    record Kustomization(String apiVersion, String kind, List<String> resources, List<String> components,
            List<KustomizePatch> patches, List<KustomizeImage> images, List<KustomizeLabels> labels) {

        List<String> resourcesOrEmpty() {
            return resources == null ? List.of() : resources;
        }

        List<KustomizePatch> patchesOrEmpty() {
            return patches == null ? List.of() : patches;
        }
    }

    record KustomizePatch(String path, String patch, KustomizeTarget target) {
    }

    record KustomizeTarget(String group, String version, String kind, String name, String labelSelector) {
    }

    record KustomizeImage(String name, String newName, String newTag, String digest) {
    }

    record KustomizeLabels(Map<String, String> pairs, Boolean includeSelectors, Boolean includeTemplates) {
    }
}
