package io.patgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.patgate.config.PatgateConfig;
import io.patgate.domain.Cidr;
import io.patgate.exchange.TokenExchange;
import io.smallrye.config.WithName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes manifests ({@code src/main/kubernetes}), right by construction: every kustomization (the base and
 * each overlay) is rendered ({@link Kustomize}), each resource is read with the real Kubernetes API model (fabric8),
 * strictly: an unknown kind or a field the API does not have (a typo such as {@code livenessProbee}) fails. Then the
 * manifests are checked against the application: the ports and paths it serves (application.properties), the
 * settings it knows ({@link PatgateConfig}), the Secret's keys (examples/secret.example.yaml), and against each other
 * (selectors, the Service's and ServiceMonitor's ports, the autoscaler's target, the network policy).
 * Plain JUnit: no Quarkus, a second or so.
 */
class ManifestsTest {

    private static final Path ROOT = Path.of("src/main/kubernetes");
    private static final Path BASE = ROOT.resolve("base");
    private static final Path PRODUCTION = ROOT.resolve("overlays/production");
    private static final Path SECRET_EXAMPLE = ROOT.resolve("examples/secret.example.yaml");

    /** Every kind the manifests may hold, by apiVersion and kind; anything else fails. */
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("batch/v1/CronJob", CronJob.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class));
    /** The CronJob that rotates a token kept in a Secret (docs/service-accounts.md, "A token that rotates itself"). */
    static final Path ROTATE_EXAMPLE = ROOT.resolve("examples/rotate-cronjob.yaml");
    /** The CronJob that trades a projected service-account token for a patgate one (docs/service-accounts.md, "Recipes"). */
    static final Path EXCHANGE_EXAMPLE = ROOT.resolve("examples/exchange-cronjob.yaml");

    /** The quarkus.datasource.* settings the Deployment may give (the rest are in application.properties). */
    private static final Set<String> DATASOURCE_PROPERTIES = Set.of(
            "quarkus.datasource.reactive.url", "quarkus.datasource.jdbc.url",
            "quarkus.datasource.username", "quarkus.datasource.password");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Properties APPLICATION = load(Path.of("src/main/resources/application.properties"));
    private static final Map<Path, Rendered> RENDERED = new ConcurrentHashMap<>();

    // ---- the application's side ----

    private static int httpPort() {
        return Integer.parseInt(prod("quarkus.http.port", "8080"));
    }

    /** Where health and metrics are served: the management interface's port, or the HTTP port without one. */
    private static int managementPort() {
        return Boolean.parseBoolean(prod("quarkus.management.enabled", "false"))
                ? Integer.parseInt(prod("quarkus.management.port", "9000"))
                : httpPort();
    }

    /** The paths below assume Quarkus's defaults; a setting that moves them must be taught to this test. */
    private static void assertDefaultPaths() {
        for (String moved : List.of(
                "quarkus.management.root-path",
                "quarkus.http.non-application-root-path",
                "quarkus.smallrye-health.root-path",
                "quarkus.smallrye-health.liveness-path",
                "quarkus.smallrye-health.readiness-path",
                "quarkus.micrometer.export.prometheus.path")) {
            assertNull(
                    prod(moved, null), "application.properties sets " + moved + ": teach ManifestsTest the new path");
        }
    }

    // ---- the renderings ----

    /** Every kustomization under src/main/kubernetes: the base and each overlay. */
    static Stream<Path> kustomizations() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            List<Path> dirs = files.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                    .map(Path::getParent)
                    .sorted()
                    .toList();
            assertTrue(dirs.containsAll(List.of(BASE, PRODUCTION)), "no base or no production overlay: " + dirs);
            return dirs.stream();
        }
    }

    static Stream<Path> overlays() throws IOException {
        return kustomizations().filter(d -> !d.equals(BASE));
    }

    /** A kustomization rendered and read; its unknown fields are kept for the one test that reports them. */
    private static Rendered rendered(Path dir) {
        return RENDERED.computeIfAbsent(dir, d -> {
            List<String> unknownFields = new ArrayList<>();
            List<HasMetadata> objects = Kustomize.render(d).stream()
                    .map(doc -> read(doc, d.toString(), unknownFields))
                    .toList();
            return new Rendered(d, objects, unknownFields);
        });
    }

    record Rendered(Path dir, List<HasMetadata> objects, List<String> unknownFields) {
        <T extends HasMetadata> List<T> all(Class<T> kind) {
            return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> kind) {
            List<T> all = all(kind);
            assertEquals(1, all.size(), dir + ": one " + kind.getSimpleName() + " expected");
            return all.get(0);
        }

        Deployment deployment() {
            return one(Deployment.class);
        }

        PodSpec pod() {
            return deployment().getSpec().getTemplate().getSpec();
        }

        Container container() {
            List<Container> containers = pod().getContainers();
            assertEquals(1, containers.size(), dir + ": one container expected");
            return containers.get(0);
        }

        Map<String, String> podLabels() {
            return deployment().getSpec().getTemplate().getMetadata().getLabels();
        }

        /** A port as the container knows it: a number, or the name of one of its ports. */
        int containerPort(IntOrString port, String what) {
            if (port.getIntVal() != null) {
                return port.getIntVal();
            }
            return container().getPorts().stream()
                    .filter(p -> port.getStrVal().equals(p.getName()))
                    .map(ContainerPort::getContainerPort)
                    .findFirst()
                    .orElseGet(() -> fail(dir + ": " + what + " names port " + port.getStrVal()
                            + ", which the container does not have"));
        }
    }

    // ---- the Kubernetes schema, strictly ----

    /** One resource as the API model reads it: its kind must be known and every field one the API has. */
    static HasMetadata parse(Map<String, Object> doc, String where) {
        List<String> unknownFields = new ArrayList<>();
        HasMetadata object = read(doc, where, unknownFields);
        assertEquals(List.of(), unknownFields);
        return object;
    }

    private static HasMetadata read(Map<String, Object> doc, String where, List<String> unknownFields) {
        Class<? extends HasMetadata> type = KINDS.get(doc.get("apiVersion") + "/" + doc.get("kind"));
        assertNotNull(type, where + ": unknown kind " + doc.get("apiVersion") + "/" + doc.get("kind"));
        HasMetadata object = JSON.convertValue(doc, type);
        findUnknownFields(
                object,
                where + ": " + doc.get("kind") + " " + object.getMetadata().getName() + ":",
                unknownFields);
        return object;
    }

    /**
     * The fabric8 model keeps a field it does not know in {@code additionalProperties} instead of failing: walk the
     * whole object (its model-typed getters, lists and maps) and name the path of every such field.
     */
    static void findUnknownFields(Object node, String path, List<String> found) {
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                findUnknownFields(list.get(i), path + "[" + i + "]", found);
            }
        } else if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> findUnknownFields(value, path + "." + key, found));
        } else if (node != null && node.getClass().getName().startsWith("io.fabric8.")) {
            for (Method getter : node.getClass().getMethods()) {
                if (getter.getParameterCount() > 0
                        || Modifier.isStatic(getter.getModifiers())
                        || !getter.getName().startsWith("get")) {
                    continue;
                }
                Class<?> type = getter.getReturnType();
                String property = Character.toLowerCase(getter.getName().charAt(3))
                        + getter.getName().substring(4);
                if (getter.getName().equals("getAdditionalProperties")) {
                    Map<?, ?> unknown = (Map<?, ?>) invoke(getter, node);
                    if (unknown != null && !unknown.isEmpty()) {
                        found.add(path + " has fields the Kubernetes API does not know: " + unknown.keySet());
                    }
                } else if (type.getName().startsWith("io.fabric8.")
                        || List.class.isAssignableFrom(type)
                        || Map.class.isAssignableFrom(type)) {
                    findUnknownFields(invoke(getter, node), path + (path.endsWith(":") ? " " : ".") + property, found);
                }
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(getter.toString(), e);
        }
    }

    // ---- the tests ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void rendersToKnownKindsWithKnownFieldsOnly(Path dir) {
        Rendered r = rendered(dir);
        assertEquals(List.of(), r.unknownFields(), dir + ": fields the Kubernetes API does not know (a typo?)");
        assertFalse(r.objects().isEmpty(), dir + " renders nothing");
        Set<String> kinds =
                r.objects().stream().map(HasMetadata::getKind).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(
                new TreeSet<>(Set.of(
                        "Namespace",
                        "Deployment",
                        "Service",
                        "PodDisruptionBudget",
                        "NetworkPolicy",
                        "HorizontalPodAutoscaler",
                        "ServiceMonitor")),
                kinds,
                dir + ": the kinds rendered");
        String namespace = r.one(Namespace.class).getMetadata().getName();
        r.objects().stream()
                .filter(o -> !(o instanceof Namespace))
                .forEach(o -> assertEquals(
                        namespace,
                        o.getMetadata().getNamespace(),
                        dir + ": " + o.getKind() + " " + o.getMetadata().getName() + " outside the namespace"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void noSecretIsRenderedAndTheExampleHasEveryKeyTheDeploymentReads(Path dir) {
        Rendered r = rendered(dir);
        assertTrue(
                r.all(Secret.class).isEmpty(),
                dir + " renders a Secret: credentials are created out of band, see " + SECRET_EXAMPLE);
        Secret example = (Secret) parse(Kustomize.readOne(SECRET_EXAMPLE), SECRET_EXAMPLE.toString());
        assertEquals(
                r.one(Namespace.class).getMetadata().getName(),
                example.getMetadata().getNamespace(),
                SECRET_EXAMPLE + ": its namespace");
        Set<String> keys = new TreeSet<>();
        Stream.of(example.getStringData(), example.getData())
                .filter(Objects::nonNull)
                .forEach(m -> keys.addAll(m.keySet()));
        for (EnvVar env : r.container().getEnv()) {
            SecretKeySelector ref =
                    env.getValueFrom() == null ? null : env.getValueFrom().getSecretKeyRef();
            if (ref != null) {
                assertEquals(
                        example.getMetadata().getName(),
                        ref.getName(),
                        dir + ": " + env.getName() + " reads another Secret");
                assertTrue(
                        keys.contains(ref.getKey()),
                        dir + ": " + env.getName() + " reads key " + ref.getKey() + ", which " + SECRET_EXAMPLE
                                + " lacks " + keys);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void everyEnvironmentVariableIsASettingTheApplicationKnows(Path dir) {
        Map<String, String> known = new HashMap<>();
        Stream.concat(
                        Stream.concat(
                                APPLICATION.stringPropertyNames().stream().map(ManifestsTest::unprofiled),
                                DATASOURCE_PROPERTIES.stream()),
                        patgateProperties().stream())
                .forEach(p -> known.put(envName(p), p));
        for (EnvVar env : rendered(dir).container().getEnv()) {
            assertTrue(
                    known.containsKey(env.getName()),
                    dir + ": " + env.getName() + " is no setting the application knows "
                            + "(PatgateConfig, application.properties, or one of " + DATASOURCE_PROPERTIES + ")");
        }
        // the addresses of a cluster's ingress controller are that cluster's: no shipped manifest trusts a proxy
        assertTrue(
                rendered(dir).container().getEnv().stream()
                        .noneMatch(e -> e.getName().equals("PATGATE_HTTP_TRUSTED_PROXIES")),
                dir
                        + " sets PATGATE_HTTP_TRUSTED_PROXIES: it belongs in a cluster's own overlay, never in these manifests");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void theContainerListensWhereTheApplicationDoesAndIsProbedThere(Path dir) {
        Rendered r = rendered(dir);
        assertDefaultPaths();
        Container c = r.container();
        assertEquals(
                httpPort(), r.containerPort(new IntOrString("http"), "the API"), dir + ": the container's http port");
        assertEquals(
                managementPort(),
                r.containerPort(new IntOrString("management"), "health and metrics"),
                dir + ": the container's management port (quarkus.management.port)");
        assertProbe(r, "liveness", c.getLivenessProbe(), "/q/health/live");
        assertProbe(r, "readiness", c.getReadinessProbe(), "/q/health/ready");
        assertProbe(r, "startup", c.getStartupProbe(), "/q/health/ready");
        // the kubelet's probes and Prometheus come from outside the pod: the management interface must not listen on
        // the
        // pod's loopback only (the safe choice on a plain host, and when publishing a container's port: see
        // docs/operating.md)
        String managementHost = c.getEnv() == null
                ? null
                : c.getEnv().stream()
                        .filter(e -> e.getName().equals("QUARKUS_MANAGEMENT_HOST"))
                        .map(EnvVar::getValue)
                        .findFirst()
                        .orElse(null);
        if (managementHost == null) {
            managementHost = prod("quarkus.management.host", "0.0.0.0");
        }
        assertFalse(
                Set.of("127.0.0.1", "localhost", "::1", "[::1]").contains(managementHost.trim()),
                dir + ": the management interface listens on " + managementHost + " only, where no probe reaches it");

        Map<String, String> annotations =
                r.deployment().getSpec().getTemplate().getMetadata().getAnnotations();
        if (annotations != null && annotations.containsKey("prometheus.io/port")) {
            assertEquals(
                    String.valueOf(managementPort()),
                    annotations.get("prometheus.io/port"),
                    dir + ": prometheus.io/port");
            assertEquals("/q/metrics", annotations.get("prometheus.io/path"), dir + ": prometheus.io/path");
        }
    }

    private static void assertProbe(Rendered r, String name, Probe probe, String path) {
        assertNotNull(probe, r.dir() + ": no " + name + " probe");
        HTTPGetAction get = probe.getHttpGet();
        assertNotNull(get, r.dir() + ": the " + name + " probe is no httpGet");
        assertEquals(path, get.getPath(), r.dir() + ": the " + name + " probe's path");
        assertTrue(
                get.getScheme() == null || get.getScheme().equals("HTTP"),
                r.dir() + ": the " + name + " probe's scheme");
        assertEquals(
                managementPort(),
                r.containerPort(get.getPort(), "the " + name + " probe"),
                r.dir() + ": the " + name
                        + " probe's port is not where the application serves health (quarkus.management.port)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void theServiceAndTheServiceMonitorReachTheRightPorts(Path dir) {
        Rendered r = rendered(dir);
        Service service = r.one(Service.class);
        assertTrue(
                matches(new LabelSelector(null, service.getSpec().getSelector()), r.podLabels()),
                dir + ": the Service selects no patgate pod");
        Map<String, Integer> servicePorts = new HashMap<>();
        for (ServicePort port : service.getSpec().getPorts()) {
            servicePorts.put(
                    port.getName(),
                    r.containerPort(
                            port.getTargetPort() == null ? new IntOrString(port.getPort()) : port.getTargetPort(),
                            "Service port " + port.getName()));
        }
        assertEquals(httpPort(), servicePorts.get("http"), dir + ": the Service's http port must reach the API");

        ServiceMonitor monitor = r.one(ServiceMonitor.class);
        assertTrue(
                matches(monitor.getSpec().getSelector(), service.getMetadata().getLabels()),
                dir + ": the ServiceMonitor selects no patgate Service");
        assertNull(
                monitor.getSpec().getNamespaceSelector(), dir + ": the ServiceMonitor looks in its own namespace only");
        assertFalse(monitor.getSpec().getEndpoints().isEmpty(), dir + ": the ServiceMonitor scrapes nothing");
        for (Endpoint endpoint : monitor.getSpec().getEndpoints()) {
            assertTrue(
                    servicePorts.containsKey(endpoint.getPort()),
                    dir + ": the ServiceMonitor scrapes port " + endpoint.getPort() + ", which the Service lacks");
            assertEquals(
                    managementPort(),
                    servicePorts.get(endpoint.getPort()),
                    dir + ": the ServiceMonitor's port must reach the management interface");
            assertEquals("/q/metrics", endpoint.getPath(), dir + ": the ServiceMonitor's path");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void selectorsAutoscalerAndDisruptionBudgetAgree(Path dir) {
        Rendered r = rendered(dir);
        Deployment deployment = r.deployment();
        Map<String, String> pod = r.podLabels();
        assertTrue(
                matches(deployment.getSpec().getSelector(), pod),
                dir + ": the Deployment's selector does not match its pods");
        assertTrue(
                matches(r.one(PodDisruptionBudget.class).getSpec().getSelector(), pod),
                dir + ": the PodDisruptionBudget selects no patgate pod");
        assertTrue(
                matches(r.one(NetworkPolicy.class).getSpec().getPodSelector(), pod),
                dir + ": the NetworkPolicy selects no patgate pod");
        r.pod()
                .getTopologySpreadConstraints()
                .forEach(t ->
                        assertTrue(matches(t.getLabelSelector(), pod), dir + ": a topology spread counts other pods"));

        HorizontalPodAutoscaler hpa = r.one(HorizontalPodAutoscaler.class);
        var target = hpa.getSpec().getScaleTargetRef();
        assertEquals(
                List.of("apps/v1", "Deployment", deployment.getMetadata().getName()),
                List.of(target.getApiVersion(), target.getKind(), target.getName()),
                dir + ": the HPA's target");
        assertNull(
                deployment.getSpec().getReplicas(),
                dir + ": the HPA owns the replica count; a Deployment's replicas would reset it on every apply");
        assertTrue(
                hpa.getSpec().getMinReplicas() >= 2
                        && hpa.getSpec().getMaxReplicas() >= hpa.getSpec().getMinReplicas(),
                dir + ": the HPA's bounds");
        assertTrue(
                hpa.getSpec().getMetrics().stream()
                        .allMatch(m -> m.getResource() != null
                                && m.getResource().getName().equals("cpu")),
                dir + ": the HPA scales on CPU only");
        assertNotNull(
                r.container().getResources().getRequests().get("cpu"), dir + ": CPU utilisation needs a CPU request");
        IntOrString minAvailable = r.one(PodDisruptionBudget.class).getSpec().getMinAvailable();
        assertTrue(
                minAvailable.getIntVal() != null
                        && minAvailable.getIntVal() < hpa.getSpec().getMinReplicas(),
                dir + ": the PodDisruptionBudget would block every drain");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void theNetworkPolicyOpensTheApiToTheIngressAndTheManagementPortToMonitoringOnly(Path dir) {
        Rendered r = rendered(dir);
        NetworkPolicy policy = r.one(NetworkPolicy.class);
        assertTrue(
                policy.getSpec().getPolicyTypes().contains("Ingress"),
                dir + ": the NetworkPolicy restricts no ingress");
        Map<Integer, List<NetworkPolicyIngressRule>> rulesByPort = new HashMap<>();
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            assertFalse(rule.getFrom() == null || rule.getFrom().isEmpty(), dir + ": an ingress rule open to everyone");
            assertFalse(
                    rule.getPorts() == null || rule.getPorts().isEmpty(), dir + ": an ingress rule open on every port");
            for (NetworkPolicyPort port : rule.getPorts()) {
                assertEquals("TCP", port.getProtocol(), dir + ": an ingress rule for another protocol than TCP");
                rulesByPort
                        .computeIfAbsent(r.containerPort(port.getPort(), "the NetworkPolicy"), p -> new ArrayList<>())
                        .add(rule);
            }
        }
        assertTrue(rulesByPort.containsKey(httpPort()), dir + ": nothing may reach the API");
        assertTrue(rulesByPort.containsKey(managementPort()), dir + ": Prometheus may not reach the management port");
        if (managementPort() != httpPort()) {
            for (NetworkPolicyIngressRule rule : rulesByPort.get(managementPort())) {
                assertFalse(
                        rulesByPort.get(httpPort()).contains(rule),
                        dir + ": one rule opens both the API and the management port");
                assertTrue(
                        rule.getFrom().stream()
                                .allMatch(f -> f.getNamespaceSelector() != null
                                        && "monitoring"
                                                .equals(f.getNamespaceSelector()
                                                        .getMatchLabels()
                                                        .get("kubernetes.io/metadata.name"))),
                        dir + ": the management port is open beyond the monitoring namespace");
            }
        }
        if (policy.getSpec().getPolicyTypes().contains("Egress")) {
            Set<String> open = new TreeSet<>();
            policy.getSpec().getEgress().forEach(e -> {
                assertFalse(
                        e.getPorts() == null || e.getPorts().isEmpty(), dir + ": an egress rule open on every port");
                e.getPorts()
                        .forEach(p ->
                                open.add(p.getProtocol() + "/" + p.getPort().getIntVal()));
            });
            Set<String> needed = new TreeSet<>(Set.of("UDP/53", "TCP/53"));
            databasePorts().forEach(p -> needed.add("TCP/" + p));
            assertTrue(
                    open.containsAll(needed),
                    dir + ": egress must allow DNS and PostgreSQL " + needed + ", allows " + open);
        }
    }

    /**
     * Where webhooks and notice mail must never go, through any rule that opens their ports: the cluster's own ranges
     * (RFC 1918, shared 100.64/10), link-local (the cloud metadata services), unique-local, loopback; each range at
     * both ends, and the metadata addresses themselves.
     */
    private static final List<String> INSIDE = List.of(
            "10.0.0.1",
            "10.96.0.10",
            "10.255.255.254",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.0.1",
            "192.168.255.254",
            "100.64.0.1",
            "100.100.100.200",
            "100.127.255.254",
            "169.254.169.254",
            "169.254.170.2",
            "127.0.0.1",
            "fd00:ec2::254",
            "fd20:ce::254",
            "fc00::1",
            "fe80::1",
            "febf::1",
            "::1");
    /** The internet webhooks and mail do go to, including the neighbours of those ranges. */
    private static final List<String> OUTSIDE = List.of(
            "93.184.216.34",
            "8.8.8.8",
            "11.0.0.1",
            "172.32.0.1",
            "100.128.0.1",
            "192.169.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e");

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void webhooksAndMailMayLeaveForTheInternetButNeverForTheClustersInsides(Path dir) {
        NetworkPolicy policy = rendered(dir).one(NetworkPolicy.class);
        assertTrue(
                policy.getSpec().getPolicyTypes().contains("Egress"), dir + ": the NetworkPolicy restricts no egress");
        for (int port : List.of(443, 587)) {
            for (String address : OUTSIDE) {
                assertTrue(
                        egressAllows(policy, port, address),
                        dir + ": TCP " + port + " to " + address + " (the internet) is closed");
            }
            for (String address : INSIDE) {
                assertFalse(
                        egressAllows(policy, port, address),
                        dir + ": TCP " + port + " to " + address + " (inside) is open");
            }
        }
        // what stays shut: plain HTTP, SMTP relaying, mail over 465 (a cluster that needs them adds its own rule, see
        // docs/operating.md)
        for (int port : List.of(80, 25, 465)) {
            assertFalse(
                    egressAllows(policy, port, "93.184.216.34"), dir + ": TCP " + port + " is open to the internet");
        }
    }

    /** Whether some egress rule of {@code policy} lets a pod open TCP {@code port} to {@code address}. */
    private static boolean egressAllows(NetworkPolicy policy, int port, String address) {
        return policy.getSpec().getEgress().stream().anyMatch(rule -> {
            boolean portMatches = rule.getPorts() == null
                    || rule.getPorts().isEmpty()
                    || rule.getPorts().stream()
                            .anyMatch(p ->
                                    (p.getProtocol() == null || p.getProtocol().equals("TCP"))
                                            && p.getPort() != null
                                            && p.getPort().getIntVal() != null
                                            && p.getPort().getIntVal() <= port
                                            && port
                                                    <= (p.getEndPort() != null
                                                            ? p.getEndPort()
                                                            : p.getPort().getIntVal()));
            return portMatches
                    && (rule.getTo() == null
                            || rule.getTo().isEmpty()
                            || rule.getTo().stream().anyMatch(peer -> {
                                if (peer.getIpBlock() == null) {
                                    // a pod or namespace selector picks pods, whose addresses are inside: count it as
                                    // open to every inside address
                                    return INSIDE.contains(address);
                                }
                                IPBlock block = peer.getIpBlock();
                                return cidr(block.getCidr()).contains(address)
                                        && (block.getExcept() == null
                                                || block.getExcept().stream()
                                                        .noneMatch(e -> cidr(e).contains(address)));
                            }));
        });
    }

    private static Cidr cidr(String value) {
        return Cidr.parse(value).orElseGet(() -> fail("the NetworkPolicy names " + value + ", which is no CIDR"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void theKeptPropertiesOfThePod(Path dir) {
        Rendered r = rendered(dir);
        PodSpec pod = r.pod();
        Container c = r.container();
        // the "restricted" Pod Security Standard, which the namespace enforces
        assertEquals(
                "restricted",
                r.one(Namespace.class).getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"),
                dir + ": the namespace's Pod Security level");
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), dir + ": runAsNonRoot");
        assertEquals(
                "RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType(), dir + ": seccompProfile");
        assertEquals(
                Boolean.FALSE,
                c.getSecurityContext().getAllowPrivilegeEscalation(),
                dir + ": allowPrivilegeEscalation");
        assertEquals(
                Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem(), dir + ": readOnlyRootFilesystem");
        assertEquals(
                List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(), dir + ": capabilities dropped");
        assertTrue(
                c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")), dir + ": a writable /tmp");
        assertNotNull(
                c.getResources().getLimits().get("memory"), dir + ": a memory limit (the JVM sizes its heap by it)");
        // shutdown: the preStop sleep, then quarkus.shutdown.timeout of draining, both within the grace period
        long preStop = c.getLifecycle().getPreStop().getSleep().getSeconds();
        Duration drain = Duration.parse("PT" + prod("quarkus.shutdown.timeout", "0S"));
        assertTrue(
                pod.getTerminationGracePeriodSeconds() > preStop + drain.toSeconds(),
                dir + ": terminationGracePeriodSeconds " + pod.getTerminationGracePeriodSeconds()
                        + " leaves no time after the preStop sleep (" + preStop
                        + " s) and the drain (quarkus.shutdown.timeout " + drain + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyOverlayPinsAReleasedImage(Path dir) {
        String image = rendered(dir).container().getImage();
        int colon = image.lastIndexOf(':');
        String tag = colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "";
        assertTrue(
                tag.matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?"),
                dir + ": image " + image + " is not pinned to a release (a version tag, never latest or none)");
    }

    /** The renderer agrees with kustomize itself, where {@code kubectl} is installed (it is on the project's machines). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void rendersAsKubectlKustomizeDoes(Path dir) throws Exception {
        Process kubectl;
        try {
            kubectl = new ProcessBuilder("kubectl", "kustomize", dir.toString())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            Assumptions.abort("kubectl is not installed");
            return;
        }
        byte[] out;
        try (InputStream in = kubectl.getInputStream()) {
            out = in.readAllBytes();
        }
        assertTrue(
                kubectl.waitFor(30, TimeUnit.SECONDS) && kubectl.exitValue() == 0,
                "kubectl kustomize " + dir + ": " + new String(out));
        List<Object> theirs = new ArrayList<>();
        try (var parser = Kustomize.YAML.getFactory().createParser(out)) {
            Kustomize.YAML.readValues(parser, Map.class).forEachRemaining(theirs::add);
        }
        List<Object> ours = new ArrayList<>(Kustomize.render(dir));
        assertEquals(byId(theirs), byId(ours), dir + ": the Java rendering differs from kubectl kustomize's");
    }

    // ---- helpers ----

    private static Map<String, Object> byId(List<Object> docs) {
        Map<String, Object> byId = new TreeMap<>();
        for (Object doc : docs) {
            Map<?, ?> d = (Map<?, ?>) doc;
            byId.put(d.get("kind") + "/" + ((Map<?, ?>) d.get("metadata")).get("name"), JSON.valueToTree(doc));
        }
        return byId;
    }

    private static boolean matches(LabelSelector selector, Map<String, String> labels) {
        assertTrue(
                selector.getMatchExpressions() == null
                        || selector.getMatchExpressions().isEmpty(),
                "matchExpressions are not checked here");
        return selector.getMatchLabels() != null
                && !selector.getMatchLabels().isEmpty()
                && labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }

    /** The PostgreSQL ports of the example's connection URLs. */
    private static Set<Integer> databasePorts() {
        Secret example = (Secret) parse(Kustomize.readOne(SECRET_EXAMPLE), SECRET_EXAMPLE.toString());
        Set<Integer> ports = new TreeSet<>();
        for (String key : List.of("reactive-url", "jdbc-url")) {
            URI uri = URI.create(example.getStringData().get(key).replaceFirst("^jdbc:", ""));
            ports.add(uri.getPort() < 0 ? 5432 : uri.getPort());
        }
        return ports;
    }

    /** The MicroProfile Config rule: a property's environment variable is its name with every other character than
     * letters and digits made {@code _}, in upper case. */
    private static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** Every patgate.* setting that {@link PatgateConfig} declares, by SmallRye Config's kebab-case naming. */
    static Set<String> patgateProperties() {
        Set<String> names = new TreeSet<>();
        collect("patgate", PatgateConfig.class, names);
        assertTrue(names.contains("patgate.keys.encryption-secret"), "PatgateConfig read wrongly: " + names);
        return names;
    }

    private static void collect(String prefix, Class<?> group, Set<String> names) {
        for (Method m : group.getMethods()) {
            if (m.getParameterCount() > 0 || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            WithName withName = m.getAnnotation(WithName.class);
            String name = prefix + "."
                    + (withName != null
                            ? withName.value()
                            : m.getName()
                                    .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                                    .toLowerCase(Locale.ROOT));
            // the groups: one interface per area beside PatgateConfig (io.patgate.config.*Config)
            if (m.getReturnType().isInterface() && m.getReturnType().getPackage() == PatgateConfig.class.getPackage()) {
                collect(name, m.getReturnType(), names);
            } else {
                names.add(name);
            }
        }
    }

    /** A setting as the production profile sees it. */
    private static String prod(String key, String otherwise) {
        return APPLICATION.getProperty("%prod." + key, APPLICATION.getProperty(key, otherwise));
    }

    private static String unprofiled(String key) {
        return key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    @Test
    void theSelfRotationExampleIsStrictKubernetesAndHangsTogether() throws Exception {
        List<HasMetadata> objects = Kustomize.readAll(ROTATE_EXAMPLE).stream()
                .map(d -> parse(d, ROTATE_EXAMPLE.toString()))
                .toList();
        assertEquals(
                List.of("ServiceAccount", "Role", "RoleBinding", "CronJob"),
                objects.stream().map(HasMetadata::getKind).toList());
        String namespace = objects.get(0).getMetadata().getNamespace();
        assertNotNull(namespace);
        objects.forEach(
                o -> assertEquals(namespace, o.getMetadata().getNamespace(), o.getKind() + " outside the namespace"));
        ServiceAccount account = (ServiceAccount) objects.get(0);
        Role role = (Role) objects.get(1);
        RoleBinding binding = (RoleBinding) objects.get(2);
        CronJob cron = (CronJob) objects.get(3);
        PodSpec pod = cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        Map<String, String> env =
                container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));

        // the pod runs as the account the binding grants the role to, which may patch the one Secret the pod mounts
        assertEquals(account.getMetadata().getName(), pod.getServiceAccountName());
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        assertEquals("Role", binding.getRoleRef().getKind());
        assertEquals(
                List.of(account.getMetadata().getName()),
                binding.getSubjects().stream().map(s -> s.getName()).toList());
        String secret = env.get("SECRET");
        assertEquals(1, role.getRules().size(), "one rule, nothing more");
        assertEquals(List.of("secrets"), role.getRules().get(0).getResources());
        assertEquals(List.of(secret), role.getRules().get(0).getResourceNames(), "that one Secret only");
        assertEquals(List.of("patch"), role.getRules().get(0).getVerbs());
        assertEquals(
                List.of(secret),
                pod.getVolumes().stream()
                        .map(v -> v.getSecret().getSecretName())
                        .toList());

        // what it asks of patgate is within the policy, and the pod is locked down
        assertTrue(
                Integer.parseInt(env.get("EXPIRES_IN_DAYS")) <= 365, "within the default patgate.tokens.max-lifetime");
        assertTrue(Integer.parseInt(env.get("GRACE_SECONDS")) <= 86400, "graceSeconds is at most 86400");
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertTrue(container.getSecurityContext().getReadOnlyRootFilesystem());
        assertFalse(container.getSecurityContext().getAllowPrivilegeEscalation());
        assertTrue(
                container.getImage().matches("[^:]+:\\d+\\.\\d+\\.\\d+"),
                "the image is pinned: " + container.getImage());
        assertEquals(
                "Forbid",
                cron.getSpec().getConcurrencyPolicy(),
                "two rotations at once would take the token from each other");

        // the script calls the endpoint that exists, and the shell can read it
        String script = container.getArgs().get(0);
        assertTrue(script.contains("/api/v1/tokens/self/rotate"));
        Process check = new ProcessBuilder("sh", "-n", "-c", script)
                .redirectErrorStream(true)
                .start();
        String said = new String(check.getInputStream().readAllBytes());
        assertTrue(check.waitFor(10, TimeUnit.SECONDS) && check.exitValue() == 0, "sh -n: " + said);
    }

    @Test
    void theExchangeExampleIsStrictKubernetesAndMountsNoLongLivedSecret() throws Exception {
        List<HasMetadata> objects = Kustomize.readAll(EXCHANGE_EXAMPLE).stream()
                .map(d -> parse(d, EXCHANGE_EXAMPLE.toString()))
                .toList();
        assertEquals(
                List.of("ServiceAccount", "CronJob"),
                objects.stream().map(HasMetadata::getKind).toList());
        ServiceAccount account = (ServiceAccount) objects.get(0);
        CronJob cron = (CronJob) objects.get(1);
        assertNotNull(account.getMetadata().getNamespace());
        assertEquals(
                account.getMetadata().getNamespace(),
                cron.getMetadata().getNamespace(),
                "CronJob outside the namespace");
        PodSpec pod = cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        assertEquals(1, pod.getContainers().size(), "one container");
        Container container = pod.getContainers().get(0);
        Map<String, String> env =
                container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));

        // the pod runs as its own account, and no Kubernetes API token is mounted, by the account nor by the pod
        assertEquals(account.getMetadata().getName(), pod.getServiceAccountName());
        assertEquals(
                Boolean.FALSE,
                account.getAutomountServiceAccountToken(),
                "the ServiceAccount automounts its API token");
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), "the pod automounts its API token");
        assertTrue(pod.getInitContainers() == null || pod.getInitContainers().isEmpty(), "no init container");

        // one volume: a projected service-account token for patgate, short-lived; no Secret, no other projection
        assertEquals(1, pod.getVolumes().size(), "one volume, the projected token");
        Volume volume = pod.getVolumes().get(0);
        assertNull(volume.getSecret(), "a Secret volume");
        assertNotNull(volume.getProjected(), "the token volume is not projected");
        List<VolumeProjection> sources = volume.getProjected().getSources();
        assertEquals(1, sources.size(), "one projected source");
        assertNull(sources.get(0).getSecret(), "a Secret in the projection");
        assertNull(sources.get(0).getConfigMap(), "a ConfigMap in the projection");
        ServiceAccountTokenProjection projected = sources.get(0).getServiceAccountToken();
        assertNotNull(projected, "the projection holds no serviceAccountToken");
        assertEquals("patgate", projected.getAudience(), "the projected token's audience");
        assertTrue(
                projected.getExpirationSeconds() >= 600 && projected.getExpirationSeconds() <= 3600,
                "expirationSeconds " + projected.getExpirationSeconds()
                        + ": the kubelet's least is 600; keep it short");
        assertTrue(
                container.getEnvFrom() == null || container.getEnvFrom().isEmpty(),
                "envFrom (a Secret's values in the environment)");
        container
                .getEnv()
                .forEach(e -> assertNull(e.getValueFrom(), e.getName() + " is read from elsewhere (a Secret?)"));
        List<VolumeMount> mounts = container.getVolumeMounts();
        assertEquals(1, mounts.size());
        assertEquals(volume.getName(), mounts.get(0).getName());
        assertEquals(Boolean.TRUE, mounts.get(0).getReadOnly());
        String tokenFile = mounts.get(0).getMountPath() + "/" + projected.getPath();

        // the pod is locked down as the rotate example's, with resources
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), "runAsNonRoot");
        assertTrue(pod.getSecurityContext().getRunAsUser() > 0, "runAsUser is root");
        assertEquals(
                "RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType(), "seccompProfile");
        assertEquals(
                Boolean.TRUE, container.getSecurityContext().getReadOnlyRootFilesystem(), "readOnlyRootFilesystem");
        assertEquals(
                Boolean.FALSE,
                container.getSecurityContext().getAllowPrivilegeEscalation(),
                "allowPrivilegeEscalation");
        assertEquals(
                List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop(), "capabilities dropped");
        assertNotNull(container.getResources().getRequests().get("cpu"), "a CPU request");
        assertNotNull(container.getResources().getLimits().get("memory"), "a memory limit");
        assertTrue(
                container.getImage().matches("[^:]+:\\d+\\.\\d+\\.\\d+"),
                "the image is pinned: " + container.getImage());
        assertEquals("Never", pod.getRestartPolicy());
        assertNotNull(cron.getSpec().getJobTemplate().getSpec().getActiveDeadlineSeconds(), "a Job without a deadline");

        // the script reads the file the volume holds, exchanges it at the endpoint that exists, with the grant the
        // server knows, calls the API with a bearer header, and the shell can read it
        String script = container.getArgs().get(0);
        assertTrue(script.contains("subject_token@" + tokenFile), "the script does not read " + tokenFile);
        assertTrue(script.contains("$PATGATE_URL/oauth/token"));
        assertTrue(script.contains("grant_type=" + TokenExchange.GRANT_TYPE));
        assertTrue(script.contains("subject_token_type=" + TokenExchange.JWT));
        assertTrue(script.contains("Authorization: Bearer") && script.contains("\"$API_URL\""));
        assertTrue(env.keySet().containsAll(List.of("PATGATE_URL", "SCOPE", "API_URL")), "env: " + env.keySet());
        assertTrue(
                env.get("PATGATE_URL").startsWith("https://")
                        && env.get("API_URL").startsWith("https://"),
                "plain http: " + env);
        Process check = new ProcessBuilder("sh", "-n", "-c", script)
                .redirectErrorStream(true)
                .start();
        String said = new String(check.getInputStream().readAllBytes());
        assertTrue(check.waitFor(10, TimeUnit.SECONDS) && check.exitValue() == 0, "sh -n: " + said);
    }

    @Test
    void theRendererRefusesWhatItDoesNotImplement(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namePrefix: staging-
                """);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Kustomize.render(dir));
        assertTrue(refused.getMessage().contains("namePrefix"), refused.getMessage());
    }

    @Test
    void anUnknownFieldIsNamedByItsPath() {
        Map<String, Object> doc =
                Kustomize.readAll(BASE.resolve("deployment.yaml")).get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> container = (Map<String, Object>) ((List<?>) ((Map<?, ?>)
                                ((Map<?, ?>) ((Map<?, ?>) doc.get("spec")).get("template")).get("spec"))
                        .get("containers"))
                .get(0);
        container.put("livenessProbee", Map.of());
        List<String> unknownFields = new ArrayList<>();
        read(doc, "test", unknownFields);
        assertEquals(
                List.of(
                        "test: Deployment patgate: spec.template.spec.containers[0] has fields the Kubernetes API does not know: [livenessProbee]"),
                unknownFields);
    }
}
