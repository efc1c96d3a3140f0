package dev.tokenledger.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import dev.tokenledger.deploy.StrictManifests.InvalidManifestException;
import dev.tokenledger.deploy.StrictManifests.Kustomization;
import dev.tokenledger.deploy.StrictManifests.KustomizeImage;
import dev.tokenledger.deploy.StrictManifests.KustomizePatch;
import dev.tokenledger.deploy.StrictManifests.Manifest;
import dev.tokenledger.deploy.StrictManifests.ServiceMonitor;
import dev.tokenledger.deploy.StrictManifests.ServiceMonitorEndpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Validates every file under {@code k8s/} against the Kubernetes schemas (strictly: a misspelled field or a wrong type
 * fails, see {@link StrictManifests}) and checks the properties that TokenLedger relies on in production: non-root,
 * read-only and capability-free containers, health probes on the Quarkus endpoints, a termination grace period longer
 * than preStop plus drain, at least two replicas, and unbuffered streaming through the ingress.
 * <p>
 * Plain JUnit on purpose: no Quarkus application starts. Where {@code kubectl} is installed, every kustomization is
 * also rendered with {@code kubectl kustomize} (offline, no cluster needed) and the output checked the same way.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final Path BASE = K8S.resolve("base");
    private static final Path SECRET_TEMPLATE = BASE.resolve("secret.template.yaml");

    private static final String NAME_LABEL = "app.kubernetes.io/name";
    private static final String APP = "tokenledger";
    private static final int MIN_REPLICAS = 2;
    /** The named port of the Quarkus management interface, where the metrics are (quarkus.management.port). */
    private static final String MANAGEMENT_PORT = "management";
    private static final int MANAGEMENT_CONTAINER_PORT = 9000;
    /** Quarkus default for quarkus.shutdown.timeout in TokenLedger, used when the Deployment does not set it. */
    private static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);
    /** Streams may run this long; the ingress must not cut them earlier. */
    private static final int MIN_PROXY_TIMEOUT_SECONDS = 600;
    private static final Map<String, String> PROBE_PATHS = Map.of(
            "startupProbe", "/q/health/started",
            "livenessProbe", "/q/health/live",
            "readinessProbe", "/q/health/ready");
    private static final Pattern PROMETHEUS_DURATION = Pattern
            .compile("^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$");
    private static final Pattern CONFIG_EXPRESSION = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)(:[^}]*)?}");

    // ------------------------------------------------------------------ schema

    @Test
    void everyFileUnderK8sMatchesItsSchema() {
        List<Path> files = yamlFiles();
        assertTrue(files.size() >= 10, "expected the base and overlays under k8s/, found " + files);
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                if (isKustomization(file)) {
                    StrictManifests.readKustomization(file);
                } else if (StrictManifests.read(file).isEmpty()) {
                    problems.add(file + ": no manifest in file");
                }
            } catch (InvalidManifestException e) {
                problems.add(e.getMessage());
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void kustomizationsReferToExistingFilesAndResources() {
        List<String> problems = new ArrayList<>();
        Set<String> listedFiles = new TreeSet<>();
        for (Path dir : kustomizationDirs().toList()) {
            Kustomization kustomization = StrictManifests.readKustomization(dir.resolve("kustomization.yaml"));
            for (String resource : kustomization.resourcesOrEmpty()) {
                Path target = dir.resolve(resource).normalize();
                if (Files.isDirectory(target)) {
                    if (!Files.exists(target.resolve("kustomization.yaml"))) {
                        problems.add(dir + ": resource " + resource + " is a directory without kustomization.yaml");
                    }
                } else if (Files.isRegularFile(target)) {
                    listedFiles.add(target.toString());
                } else {
                    problems.add(dir + ": resource " + resource + " does not exist");
                }
            }
            // A patch must parse strictly and modify something the kustomization really contains.
            Set<String> ids = resources(dir).stream().map(Manifest::id).collect(Collectors.toSet());
            for (KustomizePatch patch : kustomization.patchesOrEmpty()) {
                if (patch.path() == null) {
                    problems.add(dir + ": only patches from files are used here, found " + patch);
                    continue;
                }
                Path file = dir.resolve(patch.path()).normalize();
                if (!Files.isRegularFile(file)) {
                    problems.add(dir + ": patch " + patch.path() + " does not exist");
                    continue;
                }
                for (Manifest patched : StrictManifests.read(file)) {
                    if (!ids.contains(patched.id())) {
                        problems.add(file + ": patches " + patched.id() + ", which is not among " + ids);
                    }
                }
            }
            Set<String> imageNames = images(resources(dir));
            if (kustomization.images() != null) {
                for (KustomizeImage image : kustomization.images()) {
                    if (!imageNames.contains(image.name())) {
                        problems.add(dir + ": images entry " + image.name() + " matches no container image " + imageNames);
                    }
                }
            }
        }
        try (Stream<Path> baseFiles = Files.list(BASE)) {
            baseFiles.filter(f -> f.toString().endsWith(".yaml") && !isKustomization(f))
                    .filter(f -> !f.equals(SECRET_TEMPLATE) && !listedFiles.contains(f.toString()))
                    .forEach(f -> problems.add(f + " is not listed in " + BASE.resolve("kustomization.yaml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (listedFiles.contains(SECRET_TEMPLATE.toString())) {
            problems.add(SECRET_TEMPLATE + " must stay out of every kustomization: `kubectl apply -k` would "
                    + "overwrite the real Secret with its placeholders");
        }
        assertNoProblems(problems);
    }

    // ------------------------------------------------------------------ production properties

    @Test
    void baseIsProductionReady() {
        List<Manifest> base = resources(BASE);
        assertEquals(Set.of("ConfigMap", "Deployment", "Service", "Ingress", "HorizontalPodAutoscaler",
                "PodDisruptionBudget", "ServiceMonitor"), base.stream().map(Manifest::kind).collect(Collectors.toSet()));
        assertNoProblems(productionProblems(base));
    }

    @Test
    void secretTemplateHoldsOnlyMarkedPlaceholders() {
        List<Manifest> manifests = StrictManifests.read(SECRET_TEMPLATE);
        assertEquals(1, manifests.size());
        Secret secret = manifests.get(0).as(Secret.class);
        assertTrue(secret.getData() == null || secret.getData().isEmpty(), "use stringData with placeholders only");
        Map<String, String> values = secret.getStringData();
        assertTrue(values.keySet().containsAll(Set.of("TOKENLEDGER_MASTER_KEY", "TOKENLEDGER_KEYS_PEPPER",
                "OPENAI_API_KEY")), "missing keys in " + values.keySet());
        values.forEach((key, value) -> assertTrue(value.startsWith("CHANGE-ME"),
                key + " must hold a CHANGE-ME placeholder, never a real value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizationDirs")
    void renderedKustomizationIsValidAndProductionReady(Path dir) {
        assumeTrue(KUBECTL.isPresent(), "kubectl is not installed: rendering with kubectl kustomize skipped");
        String rendered = kubectl("kustomize", dir.toString());
        List<Manifest> manifests = StrictManifests.read(rendered, "kubectl kustomize " + dir);
        assertEquals(resources(BASE).stream().map(Manifest::id).collect(Collectors.toSet()),
                manifests.stream().map(Manifest::id).collect(Collectors.toSet()),
                dir + " must render the same resources as the base");
        assertNoProblems(productionProblems(manifests));
    }

    // ------------------------------------------------------------------ the validator itself

    /** A small valid Deployment; each negative case below breaks it in one place. */
    private static final String SAMPLE = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: sample
              annotations:
                note: "text"
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app: sample
              template:
                metadata:
                  labels:
                    app: sample
                spec:
                  containers:
                    - name: sample
                      image: tokenledger:native
                      imagePullPolicy: IfNotPresent
                      resources:
                        limits:
                          cpu: 1
                          memory: 256Mi
            """;

    @Test
    void validatorAcceptsTheUnbrokenSample() {
        Deployment sample = StrictManifests.read(SAMPLE, "sample").get(0).as(Deployment.class);
        assertEquals(2, sample.getSpec().getReplicas());
        assertEquals("1", sample.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits()
                .get("cpu").toString());
    }

    static Stream<Arguments> brokenSamples() {
        return Stream.of(
                Arguments.of("misspelled field", "  replicas: 2", "  replica: 2", "\"replica\""),
                Arguments.of("misspelled nested field", "imagePullPolicy:", "imagePullPolicyy:", "imagePullPolicyy"),
                Arguments.of("word for an integer", "replicas: 2", "replicas: \"two\"", "spec.replicas"),
                Arguments.of("quoted number for an integer", "replicas: 2", "replicas: \"2\"", "spec.replicas"),
                Arguments.of("number for a string", "note: \"text\"", "note: 3600", "metadata.annotations"),
                Arguments.of("YAML 1.1 boolean for a string", "note: \"text\"", "note: off", "metadata.annotations"),
                Arguments.of("field at the wrong level", "      containers:", "      replicas: 2\n      containers:",
                        "\"replicas\""),
                Arguments.of("duplicate key", "  replicas: 2", "  replicas: 2\n  replicas: 3", "replicas"),
                Arguments.of("removed API version", "apiVersion: apps/v1", "apiVersion: extensions/v1beta1",
                        "unsupported apiVersion/kind"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenSamples")
    void validatorRejectsBrokenManifest(String description, String from, String to, String expectedInMessage) {
        String broken = SAMPLE.replace(from, to);
        assertNotEquals(SAMPLE, broken, "the sample must contain '" + from + "'");
        InvalidManifestException e = assertThrows(InvalidManifestException.class,
                () -> StrictManifests.read(broken, description));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    static Stream<Arguments> brokenRealFiles() {
        return Stream.of(
                Arguments.of("base/deployment.yaml", "imagePullPolicy:", "imagePullPolicyy:", "imagePullPolicyy"),
                Arguments.of("base/deployment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: \"true\"",
                        "readOnlyRootFilesystem"),
                Arguments.of("base/hpa.yaml", "minReplicas: 2", "minReplica: 2", "minReplica"),
                Arguments.of("base/ingress.yaml", "\"off\"", "off", "metadata.annotations"),
                Arguments.of("base/servicemonitor.yaml", "path: /q/metrics", "pathh: /q/metrics", "pathh"),
                Arguments.of("base/servicemonitor.yaml", "endpoints:", "endpoint:", "endpoint"),
                Arguments.of("overlays/production/hpa-patch.yaml", "maxReplicas: 20", "maxReplicas: twenty",
                        "maxReplicas"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("brokenRealFiles")
    void validatorRejectsTyposInTheRealFiles(String file, String from, String to, String expectedInMessage)
            throws IOException {
        String original = Files.readString(K8S.resolve(file));
        String broken = original.replace(from, to);
        assertNotEquals(original, broken, file + " must contain '" + from + "'");
        InvalidManifestException e = assertThrows(InvalidManifestException.class,
                () -> StrictManifests.read(broken, file));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void validatorRejectsTyposInKustomizations(@TempDir Path dir) throws IOException {
        String original = Files.readString(BASE.resolve("kustomization.yaml"));
        for (String[] typo : new String[][]{
                {"resources:", "resource:", "\"resource\""},
                {"includeSelectors:", "includeSelector:", "\"includeSelector\""},
                {"kind: Kustomization", "kind: Kustomisation", "Kustomisation"}}) {
            String broken = original.replace(typo[0], typo[1]);
            assertNotEquals(original, broken);
            Path file = dir.resolve("kustomization.yaml");
            Files.writeString(file, broken);
            InvalidManifestException e = assertThrows(InvalidManifestException.class,
                    () -> StrictManifests.readKustomization(file), typo[1]);
            assertTrue(e.getMessage().contains(typo[2]), e.getMessage());
        }
    }

    @Test
    void metricsStayOffThePublicPort() throws IOException {
        for (String[] weakening : new String[][]{
                {"servicemonitor.yaml", "- port: management", "- port: http", "endpoint port must be management"},
                {"service.yaml", "targetPort: management", "targetPort: http", "management interface"},
                {"ingress.yaml", "name: http", "name: management", "must not expose the management port"}}) {
            String original = Files.readString(BASE.resolve(weakening[0]));
            String weakened = original.replace(weakening[1], weakening[2]);
            assertNotEquals(original, weakened, weakening[0] + " must contain '" + weakening[1] + "'");
            List<Manifest> manifests = new ArrayList<>(resources(BASE).stream()
                    .filter(m -> !m.source().startsWith(BASE.resolve(weakening[0]).toString())).toList());
            manifests.addAll(StrictManifests.read(weakened, weakening[0]));
            List<String> problems = productionProblems(manifests);
            assertTrue(problems.stream().anyMatch(p -> p.contains(weakening[3])),
                    "expected a problem about " + weakening[3] + ", got " + problems);
        }
    }

    @Test
    void productionChecksCatchAWeakenedDeployment() throws IOException {
        String deployment = Files.readString(BASE.resolve("deployment.yaml"));
        List<Manifest> others = resources(BASE).stream().filter(m -> !m.kind().equals("Deployment")).toList();
        for (String[] weakening : new String[][]{
                {"readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem"},
                {"- ALL", "- NET_RAW", "drop ALL"},
                {"path: /q/health/ready", "path: /q/health", "readinessProbe"},
                {"terminationGracePeriodSeconds: 60", "terminationGracePeriodSeconds: 30", "terminationGracePeriod"},
                {"runAsNonRoot: true", "runAsNonRoot: false", "runAsNonRoot"},
                {"name: QUARKUS_INIT_AND_EXIT\n              value: \"true\"",
                        "name: QUARKUS_INIT_AND_EXIT\n              value: \"false\"", "QUARKUS_INIT_AND_EXIT=true"},
                {"name: QUARKUS_FLYWAY_MIGRATE_AT_START\n              value: \"true\"",
                        "name: QUARKUS_FLYWAY_MIGRATE_AT_START\n              value: \"false\"",
                        "must migrate the schema"},
                {"      initContainers:\n        - name: migrate\n          image: tokenledger:native",
                        "      initContainers:\n        - name: migrate\n          image: tokenledger:jvm",
                        "gateway's image"}}) {
            String weakened = deployment.replace(weakening[0], weakening[1]);
            assertNotEquals(deployment, weakened);
            List<Manifest> manifests = new ArrayList<>(others);
            manifests.addAll(StrictManifests.read(weakened, "weakened deployment.yaml"));
            List<String> problems = productionProblems(manifests);
            assertTrue(problems.stream().anyMatch(p -> p.contains(weakening[2])),
                    "expected a problem about " + weakening[2] + ", got " + problems);
        }
    }

    // ------------------------------------------------------------------ production checks

    /** Everything that must hold for a set of resources (the base, or a rendered overlay) to go to production. */
    static List<String> productionProblems(List<Manifest> manifests) {
        List<String> problems = new ArrayList<>();
        for (Manifest manifest : manifests) {
            JsonNode metadata = manifest.tree().path("metadata");
            check(problems, !metadata.has("namespace"), manifest.id() + ": set no namespace, the manifests are "
                    + "namespace-agnostic");
            check(problems, APP.equals(metadata.path("labels").path(NAME_LABEL).asText(null)),
                    manifest.id() + ": needs label " + NAME_LABEL + ": " + APP);
        }
        List<Deployment> deployments = all(manifests, Deployment.class);
        List<Service> services = all(manifests, Service.class);
        List<HorizontalPodAutoscaler> hpas = all(manifests, HorizontalPodAutoscaler.class);
        if (deployments.size() != 1 || services.size() != 1) {
            problems.add("expected one Deployment and one Service, found " + deployments.size() + " and "
                    + services.size());
            return problems;
        }
        Deployment deployment = deployments.get(0);
        Service service = services.get(0);
        Optional<HorizontalPodAutoscaler> hpa = hpas.stream()
                .filter(h -> "Deployment".equals(h.getSpec().getScaleTargetRef().getKind())
                        && deployment.getMetadata().getName().equals(h.getSpec().getScaleTargetRef().getName()))
                .findFirst();
        int minReplicas = checkDeployment(problems, deployment, hpa, manifests);
        checkService(problems, service, deployment);
        all(manifests, Ingress.class).forEach(ingress -> checkIngress(problems, ingress, service));
        check(problems, hpa.isPresent(), "no HorizontalPodAutoscaler targets Deployment/" + deployment.getMetadata()
                .getName());
        hpa.ifPresent(h -> checkHpa(problems, h));
        List<PodDisruptionBudget> pdbs = all(manifests, PodDisruptionBudget.class);
        check(problems, pdbs.size() == 1, "expected one PodDisruptionBudget, found " + pdbs.size());
        pdbs.forEach(pdb -> checkPdb(problems, pdb, deployment, minReplicas));
        List<ServiceMonitor> monitors = all(manifests, ServiceMonitor.class);
        check(problems, monitors.size() == 1, "expected one ServiceMonitor, found " + monitors.size());
        monitors.forEach(monitor -> checkServiceMonitor(problems, monitor, service));
        return problems;
    }

    /** Checks the Deployment and returns the smallest number of replicas it can run with. */
    private static int checkDeployment(List<String> problems, Deployment deployment,
            Optional<HorizontalPodAutoscaler> hpa, List<Manifest> manifests) {
        String id = "Deployment/" + deployment.getMetadata().getName();
        Integer replicas = deployment.getSpec().getReplicas();
        int minReplicas;
        if (hpa.isPresent()) {
            // Kubernetes docs: remove spec.replicas when an HPA manages the Deployment, or every apply resets it.
            check(problems, replicas == null, id + ": leave spec.replicas to the HorizontalPodAutoscaler");
            minReplicas = Objects.requireNonNullElse(hpa.get().getSpec().getMinReplicas(), 1);
        } else {
            minReplicas = Objects.requireNonNullElse(replicas, 1);
        }
        check(problems, minReplicas >= MIN_REPLICAS, id + ": runs with " + minReplicas + " replica(s), needs at least "
                + MIN_REPLICAS);

        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        check(problems, selects(deployment.getSpec().getSelector(), podLabels),
                id + ": selector does not match the pod labels");
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        check(problems, Boolean.FALSE.equals(pod.getAutomountServiceAccountToken()),
                id + ": set automountServiceAccountToken: false (the gateway does not use the Kubernetes API)");
        check(problems, Boolean.FALSE.equals(pod.getEnableServiceLinks()),
                id + ": set enableServiceLinks: false (Service variables would land in the tokenledger config)");
        check(problems, pod.getContainers().size() == 1, id + ": expected one container");
        Container container = pod.getContainers().get(0);
        String cid = id + " container " + container.getName();
        checkSecurity(problems, cid, pod, container);
        checkInitContainers(problems, id, pod, container);

        // Image and resources
        String image = container.getImage();
        check(problems, image != null && image.lastIndexOf(':') > image.lastIndexOf('/') && !image.endsWith(":latest"),
                cid + ": image " + image + " needs an explicit tag other than latest");
        checkResources(problems, cid, container);

        // Probes
        List<ContainerPort> ports = Objects.requireNonNullElse(container.getPorts(), List.of());
        check(problems, ports.stream().anyMatch(p -> "http".equals(p.getName()) && p.getContainerPort() == 8080),
                cid + ": needs container port 8080 named http");
        Map<String, Probe> probes = Map.of("startupProbe", Objects.requireNonNullElseGet(container.getStartupProbe(),
                Probe::new), "livenessProbe", Objects.requireNonNullElseGet(container.getLivenessProbe(), Probe::new),
                "readinessProbe", Objects.requireNonNullElseGet(container.getReadinessProbe(), Probe::new));
        PROBE_PATHS.forEach((probeName, path) -> {
            HTTPGetAction get = probes.get(probeName).getHttpGet();
            check(problems, get != null && path.equals(get.getPath()) && refersTo(get.getPort(), ports),
                    cid + ": " + probeName + " must GET " + path + " on a container port");
        });
        Probe startup = probes.get("startupProbe");
        long startupBudget = (long) Objects.requireNonNullElse(startup.getPeriodSeconds(), 10)
                * Objects.requireNonNullElse(startup.getFailureThreshold(), 3);
        check(problems, startupBudget >= 30, cid + ": startupProbe allows only " + startupBudget
                + " s to start; the JVM image needs more");

        // Graceful shutdown: preStop, then SIGTERM and the Quarkus drain, all inside the grace period.
        long preStop = 0;
        if (container.getLifecycle() != null && container.getLifecycle().getPreStop() != null
                && container.getLifecycle().getPreStop().getSleep() != null) {
            preStop = container.getLifecycle().getPreStop().getSleep().getSeconds();
        }
        check(problems, preStop > 0, cid + ": needs a preStop sleep so that ingress stops routing before shutdown");
        Map<String, String> env = env(container);
        Duration drain = Optional.ofNullable(env.get("QUARKUS_SHUTDOWN_TIMEOUT")).map(
                KubernetesManifestsTest::quarkusDuration).orElse(DEFAULT_DRAIN);
        long grace = Objects.requireNonNullElse(pod.getTerminationGracePeriodSeconds(), 30L);
        check(problems, grace > preStop + drain.toSeconds(), cid + ": terminationGracePeriodSeconds (" + grace
                + ") must exceed preStop (" + preStop + " s) + drain (" + drain.toSeconds() + " s)");

        // Writable paths on a read-only root filesystem
        Map<String, Volume> volumes = Objects.requireNonNullElse(pod.getVolumes(), List.<Volume>of()).stream()
                .collect(Collectors.toMap(Volume::getName, v -> v));
        List<VolumeMount> mounts = Objects.requireNonNullElse(container.getVolumeMounts(), List.of());
        String spool = env.get("TOKENLEDGER_LEDGER_SPOOL_DIR");
        check(problems, spool != null, cid + ": set TOKENLEDGER_LEDGER_SPOOL_DIR");
        for (String writable : new LinkedHashSet<>(Arrays.asList("/tmp", spool))) {
            if (writable == null) {
                continue;
            }
            Optional<VolumeMount> mount = mounts.stream().filter(m -> writable.equals(m.getMountPath())).findFirst();
            Volume volume = mount.map(m -> volumes.get(m.getName())).orElse(null);
            check(problems, mount.isPresent() && !Boolean.TRUE.equals(mount.get().getReadOnly()) && volume != null
                    && (volume.getEmptyDir() != null || volume.getPersistentVolumeClaim() != null
                            || volume.getEphemeral() != null),
                    cid + ": " + writable + " must be a writable emptyDir or persistent volume");
        }

        // Configuration from the ConfigMap, secrets from the Secret
        String locations = env.get("QUARKUS_CONFIG_LOCATIONS");
        check(problems, locations != null, cid + ": set QUARKUS_CONFIG_LOCATIONS");
        Secret secretTemplate = StrictManifests.read(SECRET_TEMPLATE).get(0).as(Secret.class);
        if (locations != null) {
            for (String location : locations.split(",")) {
                checkConfigLocation(problems, cid, location.trim(), mounts, volumes, manifests, env, secretTemplate);
            }
        }
        check(problems, secretRefs(container).contains(secretTemplate.getMetadata().getName()),
                cid + ": envFrom must reference Secret/" + secretTemplate.getMetadata().getName());
        return minReplicas;
    }

    private static void checkSecurity(List<String> problems, String cid, PodSpec pod, Container container) {
        PodSecurityContext podSecurity = Objects.requireNonNullElseGet(pod.getSecurityContext(), PodSecurityContext::new);
        SecurityContext security = Objects.requireNonNullElseGet(container.getSecurityContext(), SecurityContext::new);
        Boolean runAsNonRoot = security.getRunAsNonRoot() != null
                ? security.getRunAsNonRoot()
                : podSecurity.getRunAsNonRoot();
        check(problems, Boolean.TRUE.equals(runAsNonRoot), cid + ": runAsNonRoot must be true");
        Long runAsUser = security.getRunAsUser() != null ? security.getRunAsUser() : podSecurity.getRunAsUser();
        check(problems, runAsUser == null || runAsUser != 0, cid + ": runAsUser must not be 0");
        SeccompProfile seccomp = security.getSeccompProfile() != null
                ? security.getSeccompProfile()
                : podSecurity.getSeccompProfile();
        check(problems, seccomp != null && "RuntimeDefault".equals(seccomp.getType()),
                cid + ": seccompProfile must be RuntimeDefault");
        check(problems, Boolean.FALSE.equals(security.getAllowPrivilegeEscalation()),
                cid + ": allowPrivilegeEscalation must be false");
        check(problems, Boolean.TRUE.equals(security.getReadOnlyRootFilesystem()),
                cid + ": readOnlyRootFilesystem must be true");
        check(problems, !Boolean.TRUE.equals(security.getPrivileged()), cid + ": must not be privileged");
        boolean dropsAll = security.getCapabilities() != null && security.getCapabilities().getDrop() != null
                && security.getCapabilities().getDrop().contains("ALL");
        check(problems, dropsAll, cid + ": capabilities must drop ALL");
        check(problems, security.getCapabilities() == null || security.getCapabilities().getAdd() == null
                || security.getCapabilities().getAdd().isEmpty(), cid + ": must add no capabilities");
    }

    private static void checkResources(List<String> problems, String cid, Container container) {
        for (String resource : List.of("cpu", "memory")) {
            Quantity request = container.getResources().getRequests() == null
                    ? null
                    : container.getResources().getRequests().get(resource);
            Quantity limit = container.getResources().getLimits() == null
                    ? null
                    : container.getResources().getLimits().get(resource);
            check(problems, request != null && limit != null, cid + ": needs a " + resource + " request and limit");
            if (request != null && limit != null) {
                BigDecimal requested = Quantity.getAmountInBytes(request);
                check(problems, requested.signum() > 0 && requested.compareTo(Quantity.getAmountInBytes(limit)) <= 0,
                        cid + ": " + resource + " request must be positive and at most the limit");
            }
        }
    }

    /**
     * Init containers run the gateway's own image to migrate the schema ({@code QUARKUS_INIT_AND_EXIT=true}): as
     * hardened as the gateway, with its configuration and Secret. A gateway started without Flyway
     * ({@code QUARKUS_FLYWAY_MIGRATE_AT_START=false}) needs such a container before it.
     */
    private static void checkInitContainers(List<String> problems, String id, PodSpec pod, Container gateway) {
        Map<String, String> gatewayEnv = env(gateway);
        Set<String> gatewayMounts = Objects.requireNonNullElse(gateway.getVolumeMounts(), List.<VolumeMount>of())
                .stream().map(VolumeMount::getMountPath).collect(Collectors.toSet());
        boolean migrates = false;
        for (Container init : Objects.requireNonNullElse(pod.getInitContainers(), List.<Container>of())) {
            String cid = id + " init container " + init.getName();
            checkSecurity(problems, cid, pod, init);
            checkResources(problems, cid, init);
            Map<String, String> env = env(init);
            check(problems, "true".equals(env.get("QUARKUS_INIT_AND_EXIT")), cid + ": only the schema migration runs "
                    + "before the gateway: set QUARKUS_INIT_AND_EXIT=true");
            check(problems, Objects.equals(init.getImage(), gateway.getImage()), cid + ": must run the gateway's image "
                    + gateway.getImage() + " (whose migrations the gateway expects), not " + init.getImage());
            check(problems, Objects.equals(env.get("QUARKUS_CONFIG_LOCATIONS"), gatewayEnv.get("QUARKUS_CONFIG_LOCATIONS"))
                    && secretRefs(init).containsAll(secretRefs(gateway)),
                    cid + ": needs the gateway's configuration location and Secret (the datasource)");
            for (VolumeMount mount : Objects.requireNonNullElse(init.getVolumeMounts(), List.<VolumeMount>of())) {
                check(problems, gatewayMounts.contains(mount.getMountPath()), cid + ": mounts " + mount.getMountPath()
                        + ", which the gateway does not");
            }
            migrates |= !"false".equals(env.get("QUARKUS_FLYWAY_MIGRATE_AT_START"));
        }
        if ("false".equals(gatewayEnv.get("QUARKUS_FLYWAY_MIGRATE_AT_START"))) {
            check(problems, migrates, id + ": the gateway starts without Flyway (QUARKUS_FLYWAY_MIGRATE_AT_START=false)"
                    + ": an init container must migrate the schema before it");
        }
    }

    private static List<String> secretRefs(Container container) {
        return Objects.requireNonNullElse(container.getEnvFrom(), List.<EnvFromSource>of()).stream()
                .filter(e -> e.getSecretRef() != null).map(e -> e.getSecretRef().getName()).toList();
    }

    private static void checkConfigLocation(List<String> problems, String cid, String location,
            List<VolumeMount> mounts, Map<String, Volume> volumes, List<Manifest> manifests, Map<String, String> env,
            Secret secretTemplate) {
        Optional<VolumeMount> mount = mounts.stream()
                .filter(m -> location.startsWith(m.getMountPath().endsWith("/")
                        ? m.getMountPath()
                        : m.getMountPath() + "/"))
                .findFirst();
        Volume volume = mount.map(m -> volumes.get(m.getName())).orElse(null);
        if (volume == null || volume.getConfigMap() == null) {
            problems.add(cid + ": config location " + location + " is not on a ConfigMap volume");
            return;
        }
        String key = location.substring(mount.get().getMountPath().length()).replaceFirst("^/", "");
        Optional<ConfigMap> configMap = all(manifests, ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals(volume.getConfigMap().getName())).findFirst();
        if (configMap.isEmpty() || configMap.get().getData() == null || !configMap.get().getData().containsKey(key)) {
            problems.add(cid + ": ConfigMap/" + volume.getConfigMap().getName() + " has no key " + key);
            return;
        }
        String yaml = configMap.get().getData().get(key);
        JsonNode config = StrictManifests.readTree(yaml, "ConfigMap/" + volume.getConfigMap().getName() + " " + key);
        check(problems, config.path(APP).isObject(), "ConfigMap " + key + ": expected the root key " + APP + ":");
        // Every ${VAR} must come from the Secret or the container environment: an empty default would start the
        // gateway without, say, its provider key.
        Set<String> provided = new TreeSet<>(env.keySet());
        provided.addAll(secretTemplate.getStringData().keySet());
        Matcher expression = CONFIG_EXPRESSION.matcher(yaml);
        while (expression.find()) {
            check(problems, provided.contains(expression.group(1)), "ConfigMap " + key + ": ${" + expression.group(1)
                    + "} is provided neither by the Deployment env nor by the Secret template");
        }
    }

    private static void checkService(List<String> problems, Service service, Deployment deployment) {
        String id = "Service/" + service.getMetadata().getName();
        check(problems, "ClusterIP".equals(Objects.requireNonNullElse(service.getSpec().getType(), "ClusterIP")),
                id + ": must be ClusterIP (the Ingress exposes it)");
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> selector = Objects.requireNonNullElse(service.getSpec().getSelector(), Map.of());
        check(problems, !selector.isEmpty() && podLabels.entrySet().containsAll(selector.entrySet()),
                id + ": selector does not match the pods");
        List<ContainerPort> containerPorts = deployment.getSpec().getTemplate().getSpec().getContainers().get(0)
                .getPorts();
        Optional<ServicePort> http = service.getSpec().getPorts().stream().filter(p -> "http".equals(p.getName()))
                .findFirst();
        check(problems, http.isPresent() && http.get().getPort() == 80 && refersTo(http.get().getTargetPort(),
                containerPorts), id + ": needs port 80 named http targeting the container's http port");
        Optional<ServicePort> management = service.getSpec().getPorts().stream()
                .filter(p -> MANAGEMENT_PORT.equals(p.getName())).findFirst();
        List<ContainerPort> managementInterface = containerPorts.stream()
                .filter(p -> MANAGEMENT_PORT.equals(p.getName()) && p.getContainerPort() == MANAGEMENT_CONTAINER_PORT)
                .toList();
        check(problems, management.isPresent() && !managementInterface.isEmpty()
                && refersTo(management.get().getTargetPort(), managementInterface),
                id + ": needs a port named " + MANAGEMENT_PORT + " targeting the container's management interface ("
                        + MANAGEMENT_CONTAINER_PORT + "), where the metrics are");
    }

    private static void checkIngress(List<String> problems, Ingress ingress, Service service) {
        String id = "Ingress/" + ingress.getMetadata().getName();
        Map<String, String> annotations = Objects.requireNonNullElse(ingress.getMetadata().getAnnotations(), Map.of());
        String nginx = "nginx.ingress.kubernetes.io/";
        check(problems, "off".equals(annotations.get(nginx + "proxy-buffering")),
                id + ": proxy-buffering must be \"off\" or SSE streams arrive in bursts");
        check(problems, "off".equals(annotations.get(nginx + "proxy-request-buffering")),
                id + ": proxy-request-buffering must be \"off\"");
        for (String timeout : List.of("proxy-read-timeout", "proxy-send-timeout")) {
            String value = annotations.get(nginx + timeout);
            check(problems, value != null && value.matches("\\d+") && Integer.parseInt(value) >= MIN_PROXY_TIMEOUT_SECONDS,
                    id + ": " + timeout + " must be at least " + MIN_PROXY_TIMEOUT_SECONDS + " seconds for long streams");
        }
        check(problems, annotations.containsKey(nginx + "proxy-body-size"), id + ": set proxy-body-size");
        check(problems, ingress.getSpec().getIngressClassName() != null, id + ": set ingressClassName");
        Set<String> servicePorts = service.getSpec().getPorts().stream().map(ServicePort::getName)
                .collect(Collectors.toSet());
        for (IngressRule rule : ingress.getSpec().getRules()) {
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                IngressServiceBackend backend = path.getBackend().getService();
                check(problems, backend != null && service.getMetadata().getName().equals(backend.getName())
                        && servicePorts.contains(backend.getPort().getName()),
                        id + ": path " + path.getPath() + " must route to a named port of Service/"
                                + service.getMetadata().getName());
                check(problems, backend == null || !MANAGEMENT_PORT.equals(backend.getPort().getName()),
                        id + ": path " + path.getPath() + " must not expose the management port (metrics)");
            }
        }
    }

    private static void checkHpa(List<String> problems, HorizontalPodAutoscaler hpa) {
        String id = "HorizontalPodAutoscaler/" + hpa.getMetadata().getName();
        int min = Objects.requireNonNullElse(hpa.getSpec().getMinReplicas(), 1);
        check(problems, min >= MIN_REPLICAS, id + ": minReplicas must be at least " + MIN_REPLICAS);
        check(problems, hpa.getSpec().getMaxReplicas() >= min, id + ": maxReplicas below minReplicas");
        List<MetricSpec> metrics = Objects.requireNonNullElse(hpa.getSpec().getMetrics(), List.of());
        check(problems, metrics.stream().anyMatch(m -> "Resource".equals(m.getType())
                && "cpu".equals(m.getResource().getName())
                && "Utilization".equals(m.getResource().getTarget().getType())
                && m.getResource().getTarget().getAverageUtilization() != null),
                id + ": needs a CPU utilisation target");
    }

    private static void checkPdb(List<String> problems, PodDisruptionBudget pdb, Deployment deployment,
            int minReplicas) {
        String id = "PodDisruptionBudget/" + pdb.getMetadata().getName();
        check(problems, selects(pdb.getSpec().getSelector(), deployment.getSpec().getTemplate().getMetadata()
                .getLabels()), id + ": selector does not match the pods");
        IntOrString minAvailable = pdb.getSpec().getMinAvailable();
        check(problems, minAvailable != null && minAvailable.getIntVal() != null && minAvailable.getIntVal() >= 1
                && minAvailable.getIntVal() < minReplicas,
                id + ": minAvailable must be at least 1 and below the "
                        + "minimum replica count (" + minReplicas + "), or node drains block");
    }

    private static void checkServiceMonitor(List<String> problems, ServiceMonitor monitor, Service service) {
        String id = "ServiceMonitor/" + monitor.metadata().getName();
        check(problems, monitor.spec() != null && monitor.spec().endpoints() != null
                && !monitor.spec().endpoints().isEmpty(), id + ": needs spec.endpoints");
        if (problems.stream().anyMatch(p -> p.startsWith(id))) {
            return;
        }
        check(problems, selects(monitor.spec().selector(), service.getMetadata().getLabels()),
                id + ": selector does not match Service/" + service.getMetadata().getName());
        Set<String> servicePorts = service.getSpec().getPorts().stream().map(ServicePort::getName)
                .collect(Collectors.toSet());
        for (ServiceMonitorEndpoint endpoint : monitor.spec().endpoints()) {
            check(problems, "/q/metrics".equals(endpoint.path()), id + ": endpoint path must be /q/metrics");
            check(problems, MANAGEMENT_PORT.equals(endpoint.port()), id + ": endpoint port must be "
                    + MANAGEMENT_PORT + " (metrics are served on the management interface only)");
            check(problems, servicePorts.contains(endpoint.port()), id + ": endpoint port " + endpoint.port()
                    + " is not a named port of the Service");
            for (String duration : new String[]{endpoint.interval(), endpoint.scrapeTimeout()}) {
                check(problems, duration == null || PROMETHEUS_DURATION.matcher(duration).matches(),
                        id + ": " + duration + " is not a Prometheus duration");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void check(List<String> problems, boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
        }
    }

    private static void assertNoProblems(List<String> problems) {
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
        }
    }

    private static <T> List<T> all(List<Manifest> manifests, Class<T> type) {
        return manifests.stream().filter(m -> type.isInstance(m.model())).map(m -> m.as(type)).toList();
    }

    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        return selector != null && selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty()
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty())
                && labels != null && labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }

    private static boolean refersTo(IntOrString port, List<ContainerPort> ports) {
        if (port == null || ports == null) {
            return false;
        }
        return ports.stream().anyMatch(p -> port.getStrVal() != null
                ? port.getStrVal().equals(p.getName())
                : Objects.equals(port.getIntVal(), p.getContainerPort()));
    }

    private static Map<String, String> env(Container container) {
        return Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of()).stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (first, last) -> last));
    }

    /** Quarkus durations: a number of seconds, a number with ms/s/m/h/d, or ISO-8601. */
    static Duration quarkusDuration(String value) {
        Matcher simple = Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(value.trim());
        if (!simple.matches()) {
            return Duration.parse(value.trim());
        }
        long amount = Long.parseLong(simple.group(1));
        return switch (Objects.requireNonNullElse(simple.group(2), "s")) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    private static Set<String> images(List<Manifest> manifests) {
        return all(manifests, Deployment.class).stream()
                .flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream())
                .map(c -> c.getImage().replaceFirst(":[^:/]+$", ""))
                .collect(Collectors.toSet());
    }

    private static boolean isKustomization(Path file) {
        return file.getFileName().toString().equals("kustomization.yaml");
    }

    private static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.walk(K8S)) {
            // k8s/monitoring holds Prometheus rule files and Grafana dashboards, not manifests (MonitoringFilesTest)
            List<Path> yaml = files.filter(Files::isRegularFile).filter(f -> !f.startsWith(K8S.resolve("monitoring")))
                    .sorted().toList();
            List<Path> misnamed = yaml.stream().filter(f -> f.toString().endsWith(".yml")).toList();
            assertTrue(misnamed.isEmpty(), "use the .yaml extension: " + misnamed);
            return yaml.stream().filter(f -> f.toString().endsWith(".yaml")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Path> kustomizationDirs() {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(KubernetesManifestsTest::isKustomization).map(Path::getParent).sorted().toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The resources a kustomization lists, recursively, before patches (which change no names here). */
    private static List<Manifest> resources(Path dir) {
        List<Manifest> manifests = new ArrayList<>();
        for (String resource : StrictManifests.readKustomization(dir.resolve("kustomization.yaml"))
                .resourcesOrEmpty()) {
            Path target = dir.resolve(resource).normalize();
            manifests.addAll(Files.isDirectory(target) ? resources(target) : StrictManifests.read(target));
        }
        return manifests;
    }

    private static final Optional<String> KUBECTL = Optional.ofNullable(System.getenv("PATH")).stream()
            .flatMap(path -> Stream.of(path.split(File.pathSeparator)))
            .map(dir -> Path.of(dir, "kubectl")).filter(Files::isExecutable).map(Path::toString).findFirst();

    private static String kubectl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(KUBECTL.orElseThrow());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).start();
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 60 s");
            }
            assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed: " + stderr.join());
            assertFalse(stdout.isBlank(), String.join(" ", command) + " printed nothing");
            return stdout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
