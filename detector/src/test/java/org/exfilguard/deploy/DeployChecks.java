package org.exfilguard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.exfilguard.Main;
import org.exfilguard.config.ConfigLoader;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.config.StreamsSettings;
import org.exfilguard.serde.RegistryClientConfig;
import org.exfilguard.topology.Topics;
import picocli.CommandLine;

/**
 * Consistency of {@code deploy/} with the detector: configuration keys and values, topics, subcommands, the
 * Dockerfile, the Kubernetes wiring and the metric names in the dashboard and alert rules. Each check returns
 * problems as sentences naming the file, so a failing test says what to fix.
 */
final class DeployChecks {

    private static final Pattern ENV_VARIABLE = Pattern.compile("\\b" + ConfigLoader.ENV_PREFIX + "[A-Z0-9_]*[A-Z0-9]");
    private static final Pattern SET_FLAG = Pattern.compile("--set[= ]+([a-z0-9._-]+)=");
    private static final Pattern FOR_TOPICS = Pattern.compile("for topic in ([^;]+);");
    private static final Pattern JAR_COMMAND = Pattern.compile("exfilguard\\.jar\\s+([a-z][a-z-]*)");
    /** Series Prometheus itself adds to every target; not the detector's to export. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");

    private final DeployTree tree;

    DeployChecks(DeployTree tree) {
        this.tree = tree;
    }

    // ---------------------------------------------------------------- configuration keys and values

    List<String> configurationProblems() {
        List<String> problems = new ArrayList<>();
        for (Path file : tree.filesEndingWith(".properties")) {
            DeployTree.properties(DeployTree.text(file)).keySet().forEach(key -> checkKey(problems, file, key));
        }
        for (Path file : textFiles()) {
            String text = DeployTree.text(file);
            Matcher env = ENV_VARIABLE.matcher(text);
            while (env.find()) {
                Optional<String> key = ConfigKeys.keyOfVariable(env.group());
                if (key.isEmpty()) {
                    problems.add(tree.relative(file) + ": " + env.group() + " names no configuration key");
                } else {
                    checkKey(problems, file, key.get(), env.group());
                }
            }
            Matcher set = SET_FLAG.matcher(text);
            while (set.find()) {
                checkKey(problems, file, set.group(1));
            }
        }
        bundles().forEach((name, bundle) -> problems.addAll(validate(name, bundle)));
        return problems;
    }

    private void checkKey(List<String> problems, Path file, String key) {
        checkKey(problems, file, key, key);
    }

    private void checkKey(List<String> problems, Path file, String key, String as) {
        if (!ConfigKeys.accepted(key)) {
            problems.add(tree.relative(file) + ": " + (as.equals(key) ? key : as + " (" + key + ")")
                    + " is not a configuration key the detector accepts");
        }
    }

    /** A configuration as one installation gets it: an optional properties file and EXFILGUARD_ variables. */
    record Bundle(Optional<Path> propertiesFile, Map<String, String> environment) {}

    Map<String, Bundle> bundles() {
        Map<String, Bundle> bundles = new LinkedHashMap<>();
        Map<String, String> kubeEnv = new LinkedHashMap<>();
        Path base = tree.resolve("kubernetes/base");
        kubeEnv.putAll(containerEnv(base.resolve("statefulset.yaml")));
        for (JsonNode secret : DeployTree.yamlDocuments(base.resolve("secret.example.yaml"))) {
            secret.path("stringData").properties().forEach(e -> {
                if (e.getKey().startsWith(ConfigLoader.ENV_PREFIX)) {
                    kubeEnv.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        bundles.put("kubernetes/base", new Bundle(Optional.of(base.resolve("exfilguard.properties")), kubeEnv));
        for (String overlay : List.of("small", "large")) {
            Map<String, String> env = new LinkedHashMap<>(kubeEnv);
            env.putAll(containerEnv(tree.resolve("kubernetes/overlays/" + overlay + "/statefulset.yaml")));
            bundles.put(
                    "kubernetes/overlays/" + overlay,
                    new Bundle(Optional.of(base.resolve("exfilguard.properties")), env));
        }
        bundles.put(
                "systemd",
                new Bundle(
                        Optional.empty(), DeployTree.envFile(DeployTree.text(tree.resolve("systemd/exfilguard.env")))));
        Map<String, String> composeEnv = new LinkedHashMap<>();
        compose()
                .path("services")
                .path("detector")
                .path("environment")
                .properties()
                .forEach(e -> composeEnv.put(e.getKey(), e.getValue().asText()));
        bundles.put("compose", new Bundle(Optional.empty(), composeEnv));
        return bundles;
    }

    /** Loads a bundle the way {@code run} does and lets Kafka Streams and the registry client validate it. */
    static List<String> validate(String name, Bundle bundle) {
        List<String> problems = new ArrayList<>();
        try {
            ExfilguardConfig config =
                    ConfigLoader.load(bundle.propertiesFile().orElse(null), bundle.environment(), Map.of());
            new StreamsConfig(StreamsSettings.of(config));
            RegistryClientConfig.from(config.registryClientConfig());
            org.exfilguard.config.DetectorWiringFactory.from(config);
            config.originals().keySet().stream()
                    .filter(k -> !ConfigKeys.accepted(k))
                    .forEach(k -> problems.add(name + ": " + k + " is not a configuration key the detector accepts"));
        } catch (ConfigException | IllegalArgumentException e) {
            problems.add(name + ": the detector rejects this configuration: " + e.getMessage());
        }
        return problems;
    }

    private static Map<String, String> containerEnv(Path manifest) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode doc : DeployTree.yamlDocuments(manifest)) {
            for (JsonNode container :
                    doc.path("spec").path("template").path("spec").path("containers")) {
                for (JsonNode variable : container.path("env")) {
                    // valueFrom (the pod name) has no literal: any string stands in for it.
                    env.put(
                            variable.path("name").asText(),
                            variable.has("value") ? variable.path("value").asText() : "exfilguard-0");
                }
            }
        }
        return env;
    }

    // ---------------------------------------------------------------- topics

    /** Every topic of {@link Topics#defaults()}. */
    static Set<String> detectorTopics() {
        return new TreeSet<>(Topics.defaults().all());
    }

    /** Topics that must have the same partition count: the detector's internal topics and the inputs they join. */
    static Map<String, String> coPartitioned() {
        Topics t = Topics.defaults();
        return Map.of(t.readSignals(), t.egress(), t.egressUpdates(), t.dbAccess());
    }

    List<String> topicProblems() {
        List<String> problems = new ArrayList<>();
        Set<String> expected = detectorTopics();
        Set<String> declared = new TreeSet<>();
        Map<String, Integer> partitions = new LinkedHashMap<>();
        Path topicsFile = tree.resolve("kubernetes/base/kafkatopics.yaml");
        for (JsonNode doc : DeployTree.yamlDocuments(topicsFile)) {
            if ("KafkaTopic".equals(doc.path("kind").asText())) {
                String name = doc.path("spec")
                        .path("topicName")
                        .asText(doc.path("metadata").path("name").asText());
                declared.add(name);
                partitions.put(name, doc.path("spec").path("partitions").asInt());
                if (!expected.contains(name)) {
                    problems.add(tree.relative(topicsFile) + ": KafkaTopic " + name
                            + " is not a topic the detector uses " + expected);
                }
                if (doc.path("spec").path("partitions").asInt() < 1
                        || doc.path("spec").path("config").path("retention.ms").isMissingNode()) {
                    problems.add(tree.relative(topicsFile) + ": KafkaTopic " + name
                            + " needs partitions and an explicit retention.ms");
                }
            }
        }
        expected.stream()
                .filter(t -> !declared.contains(t))
                .forEach(t -> problems.add(tree.relative(topicsFile) + ": no KafkaTopic for " + t));
        coPartitioned().forEach((internal, input) -> {
            if (!java.util.Objects.equals(partitions.get(internal), partitions.get(input))) {
                problems.add(tree.relative(topicsFile) + ": " + internal + " must have as many partitions as " + input);
            }
        });
        for (Path kustomization : tree.filesEndingWith("kustomization.yaml")) {
            for (JsonNode doc : DeployTree.yamlDocuments(kustomization)) {
                for (JsonNode patch : doc.path("patches")) {
                    JsonNode target = patch.path("target");
                    if ("KafkaTopic".equals(target.path("kind").asText()) && target.has("name")) {
                        Set<String> names = Set.of(target.path("name").asText().split("\\|"));
                        for (String name : names) {
                            if (!declared.contains(name)) {
                                problems.add(tree.relative(kustomization) + ": patch targets KafkaTopic " + name
                                        + ", which is not declared");
                            }
                        }
                        coPartitioned().forEach((internal, input) -> {
                            if (names.contains(internal) != names.contains(input)) {
                                problems.add(tree.relative(kustomization) + ": a patch must change " + internal
                                        + " and " + input + " together (co-partitioned)");
                            }
                        });
                    }
                }
            }
        }
        for (Path file : tree.filesEndingWith(".properties")) {
            DeployTree.properties(DeployTree.text(file)).forEach((key, value) -> {
                if (key.startsWith("topic.")
                        && ExfilguardConfig.DEFINITION.names().contains(key)
                        && !declared.contains(value)) {
                    problems.add(tree.relative(file) + ": " + key + "=" + value + " has no KafkaTopic");
                }
            });
        }
        JsonNode services = compose().path("services");
        Set<String> created = new TreeSet<>();
        Matcher loops =
                FOR_TOPICS.matcher(services.path("topics").path("command").toString());
        while (loops.find()) {
            created.addAll(List.of(loops.group(1).trim().split("\\s+")));
        }
        if (!created.equals(expected)) {
            problems.add("compose/docker-compose.yml: the topics service creates " + created + ", the detector uses "
                    + expected);
        }
        // The replay service feeds what the simulate service wrote, to the topics the detector reads (replay's
        // defaults).
        List<String> simulate = texts(services.path("simulate").path("command"));
        List<String> replay = texts(services.path("replay").path("command"));
        String outDir = optionValue(simulate, "--out-dir").orElse("(none)");
        for (String input : List.of("--db-log", "--egress-log")) {
            String file = optionValue(replay, input).orElse("(none)");
            if (!file.startsWith(outDir + "/")) {
                problems.add("compose/docker-compose.yml: the replay's " + input + " " + file
                        + " is not in the simulate service's --out-dir " + outDir);
            }
        }
        if (replay.stream().anyMatch(arg -> arg.startsWith("topic.") || arg.equals("--config"))) {
            problems.add(
                    "compose/docker-compose.yml: the replay must write to the default topics the detector reads, not "
                            + replay);
        }
        return problems;
    }

    // ---------------------------------------------------------------- subcommands

    List<String> commandProblems() {
        Set<String> subcommands = new CommandLine(new Main()).getSubcommands().keySet();
        List<String> problems = new ArrayList<>();
        for (Path file : tree.filesEndingWith(".yaml", ".yml")) {
            for (JsonNode doc : DeployTree.yamlDocuments(file)) {
                for (JsonNode node : doc.findParents("image")) {
                    if (!node.path("image").asText().startsWith("exfilguard")) {
                        continue;
                    }
                    List<String> args = texts(node.has("args") ? node.path("args") : node.path("command"));
                    if (args.isEmpty() || !subcommands.contains(args.get(0))) {
                        problems.add(tree.relative(file) + ": the detector container runs " + args
                                + "; subcommands are " + subcommands);
                        continue;
                    }
                    try {
                        new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
                    } catch (CommandLine.ParameterException e) {
                        problems.add(
                                tree.relative(file) + ": the detector container runs " + args + ": " + e.getMessage());
                    }
                }
            }
        }
        Matcher cmd = Pattern.compile("(?m)^CMD\\s*\\[\\s*\"([^\"]+)\"")
                .matcher(DeployTree.text(tree.resolve("docker/Dockerfile")));
        if (!cmd.find() || !subcommands.contains(cmd.group(1))) {
            problems.add("docker/Dockerfile: CMD must name a subcommand " + subcommands);
        }
        Matcher exec = JAR_COMMAND.matcher(DeployTree.text(tree.resolve("systemd/exfilguard.service")));
        if (!exec.find() || !subcommands.contains(exec.group(1))) {
            problems.add("systemd/exfilguard.service: ExecStart must run the jar with a subcommand " + subcommands);
        }
        return problems;
    }

    // ---------------------------------------------------------------- the image

    List<String> dockerfileProblems() {
        List<String> problems = new ArrayList<>();
        String dockerfile = DeployTree.text(tree.resolve("docker/Dockerfile"));
        String pom = DeployTree.text(tree.repositoryRoot().resolve("detector/pom.xml"));
        String from = firstGroup("(?m)^FROM\\s+(\\S+)", dockerfile).orElse("");
        if (!from.matches(".+@sha256:[0-9a-f]{64}") && !from.matches("[^:]+:\\d+\\.\\d+\\.\\d+[^:]*")) {
            problems.add("docker/Dockerfile: base image " + from + " is not pinned to a release or digest");
        }
        String jibBase = firstGroup("<jib\\.base\\.image>([^<]+)</jib\\.base\\.image>", pom)
                .orElse("");
        if (!jibBase.equals(from)) {
            problems.add("docker/Dockerfile: base image " + from + " differs from the Jib profile's " + jibBase);
        }
        String user = firstGroup("(?m)^USER\\s+(\\S+)", dockerfile).orElse("root");
        if (user.split(":")[0].matches("0|root")) {
            problems.add("docker/Dockerfile: must switch to a non-root USER, found " + user);
        }
        String jibUser = firstGroup("<user>([^<]+)</user>", pom).orElse("");
        if (!jibUser.equals(user)) {
            problems.add("docker/Dockerfile: USER " + user + " differs from the Jib image's " + jibUser);
        }
        String jar = firstGroup("(?m)^COPY\\s+detector/target/(\\S+)\\s+(\\S+)", dockerfile)
                .orElse("");
        // The image runs the runtime jar (no embedded broker), one of the jars the build makes.
        List<String> finalNames = new ArrayList<>();
        Matcher names = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
        while (names.find()) {
            finalNames.add(names.group(1) + ".jar");
        }
        if (!jar.equals("exfilguard-runtime.jar") || !finalNames.contains(jar)) {
            problems.add("docker/Dockerfile: copies detector/target/" + jar
                    + " but must copy exfilguard-runtime.jar, one of " + finalNames);
        }
        String copiedTo = firstGroup("(?m)^COPY\\s+detector/target/\\S+\\s+(\\S+)", dockerfile)
                .orElse("");
        String entrypoint =
                firstGroup("(?m)^ENTRYPOINT\\s*(\\[.*])", dockerfile).orElse("");
        if (!entrypoint.contains("\"-jar\"") || copiedTo.isEmpty() || !entrypoint.contains("\"" + copiedTo + "\"")) {
            problems.add("docker/Dockerfile: ENTRYPOINT must run the copied jar " + copiedTo + ", found " + entrypoint);
        }
        String volume =
                firstGroup("(?m)^VOLUME\\s*\\[\\s*\"([^\"]+)\"", dockerfile).orElse("");
        String stateDir = firstGroup("EXFILGUARD_STATE_DIR=(\\S+)", dockerfile).orElse("");
        if (volume.isEmpty() || !stateDir.startsWith(volume + "/")) {
            problems.add("docker/Dockerfile: state.dir " + stateDir + " must lie on the VOLUME " + volume);
        }
        if (!pom.contains("<volume>" + volume + "</volume>")) {
            problems.add("detector/pom.xml: the Jib image must declare the state volume " + volume);
        }
        return problems;
    }

    // ---------------------------------------------------------------- Kubernetes wiring

    List<String> kubernetesProblems() {
        List<String> problems = new ArrayList<>();
        Path base = tree.resolve("kubernetes/base");
        JsonNode kustomization =
                DeployTree.yamlDocuments(base.resolve("kustomization.yaml")).get(0);
        for (Path dir :
                List.of(base, tree.resolve("kubernetes/overlays/small"), tree.resolve("kubernetes/overlays/large"))) {
            JsonNode k =
                    DeployTree.yamlDocuments(dir.resolve("kustomization.yaml")).get(0);
            List<String> referenced = new ArrayList<>(texts(k.path("resources")));
            k.path("patches").forEach(p -> {
                if (p.has("path")) referenced.add(p.path("path").asText());
            });
            k.path("configMapGenerator").forEach(g -> referenced.addAll(texts(g.path("files"))));
            referenced.stream()
                    .filter(r -> !Files.exists(dir.resolve(r)))
                    .forEach(r -> problems.add(tree.relative(dir) + "/kustomization.yaml: " + r + " does not exist"));
        }
        Map<String, String> props = DeployTree.properties(DeployTree.text(base.resolve("exfilguard.properties")));
        JsonNode sts =
                DeployTree.yamlDocuments(base.resolve("statefulset.yaml")).get(0);
        JsonNode pod = sts.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        String file = "kubernetes/base/statefulset.yaml";
        if (!pod.path("enableServiceLinks").isBoolean()
                || pod.path("enableServiceLinks").asBoolean()) {
            problems.add(file + ": enableServiceLinks must be false, or Services named exfilguard-* inject "
                    + ConfigLoader.ENV_PREFIX + "* variables the detector reads as configuration");
        }
        if (!pod.path("securityContext").path("runAsNonRoot").asBoolean()
                || !container
                        .path("securityContext")
                        .path("readOnlyRootFilesystem")
                        .asBoolean()) {
            problems.add(file + ": the pod must run as non-root with a read-only root filesystem");
        }
        Map<String, String> mounts = new LinkedHashMap<>();
        container
                .path("volumeMounts")
                .forEach(m ->
                        mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
        String claim = sts.path("spec")
                .path("volumeClaimTemplates")
                .path(0)
                .path("metadata")
                .path("name")
                .asText();
        String stateDir = props.getOrDefault(ExfilguardConfig.STATE_DIR, "");
        if (!mounts.containsKey(claim) || !stateDir.startsWith(mounts.get(claim) + "/")) {
            problems.add(file + ": state.dir " + stateDir + " must lie on the persistent volume " + claim + " "
                    + mounts.get(claim));
        }
        if (!"/tmp".equals(mounts.get("tmp"))) {
            problems.add(file + ": /tmp must be a writable volume (RocksDB unpacks its native library there)");
        }
        String configMap =
                kustomization.path("configMapGenerator").path(0).path("name").asText();
        String configFile = texts(
                        kustomization.path("configMapGenerator").path(0).path("files"))
                .get(0);
        String configVolume = "";
        for (JsonNode v : pod.path("volumes")) {
            if (configMap.equals(v.path("configMap").path("name").asText())) {
                configVolume = v.path("name").asText();
            }
        }
        List<String> args = texts(container.path("args"));
        int at = args.indexOf("--config");
        String expectedConfig = mounts.get(configVolume) + "/" + configFile;
        if (at < 0 || at + 1 >= args.size() || !args.get(at + 1).equals(expectedConfig)) {
            problems.add(
                    file + ": run --config must name " + expectedConfig + " (the mounted ConfigMap), args are " + args);
        }
        String portName = "";
        for (JsonNode port : container.path("ports")) {
            if (String.valueOf(port.path("containerPort").asInt()).equals(props.get(ExfilguardConfig.METRICS_PORT))) {
                portName = port.path("name").asText();
            }
        }
        if (portName.isEmpty() || !"0.0.0.0".equals(props.get(ExfilguardConfig.METRICS_HOST))) {
            problems.add(file + ": a container port must match metrics.port " + props.get(ExfilguardConfig.METRICS_PORT)
                    + " and metrics.host must be 0.0.0.0");
        }
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode http = container.path(probe).path("httpGet");
            if (!"/health".equals(http.path("path").asText())
                    || !portName.equals(http.path("port").asText())) {
                problems.add(file + ": " + probe + " must GET /health on port " + portName);
            }
        }
        String secret = DeployTree.yamlDocuments(base.resolve("secret.example.yaml"))
                .get(0)
                .path("metadata")
                .path("name")
                .asText();
        if (!secret.equals(
                container.path("envFrom").path(0).path("secretRef").path("name").asText())) {
            problems.add(file + ": envFrom must take the Secret " + secret);
        }
        JsonNode podMonitor =
                DeployTree.yamlDocuments(base.resolve("podmonitor.yaml")).get(0);
        JsonNode endpoint = podMonitor.path("spec").path("podMetricsEndpoints").path(0);
        if (!portName.equals(endpoint.path("port").asText())
                || !"/metrics".equals(endpoint.path("path").asText())) {
            problems.add("kubernetes/base/podmonitor.yaml: must scrape /metrics on port " + portName);
        }
        if (!DeployTree.yamlDocuments(base.resolve("pdb.yaml"))
                .get(0)
                .path("spec")
                .path("selector")
                .equals(sts.path("spec").path("selector"))) {
            problems.add("kubernetes/base/pdb.yaml: must select the StatefulSet's pods");
        }
        JsonNode rule = DeployTree.yamlDocuments(base.resolve("prometheusrule.yaml"))
                .get(0)
                .path("spec")
                .path("groups");
        JsonNode plain = DeployTree.yamlDocuments(tree.resolve("prometheus/exfilguard-rules.yaml"))
                .get(0)
                .path("groups");
        if (!rule.equals(plain)) {
            problems.add(
                    "kubernetes/base/prometheusrule.yaml: its groups differ from prometheus/exfilguard-rules.yaml");
        }
        return problems;
    }

    // ---------------------------------------------------------------- metrics

    /** Metric names used by the dashboard's queries and the alert rules, with where each is used. */
    Map<String, String> metricNamesUsed() {
        Map<String, String> used = new LinkedHashMap<>();
        for (Path file : tree.filesEndingWith(".json")) {
            JsonNode dashboard = DeployTree.json(file);
            for (JsonNode expr : dashboard.findValues("expr")) {
                PromQl.metricNames(expr.asText()).forEach(n -> used.putIfAbsent(n, tree.relative(file)));
            }
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                String query = variable.path("query").isObject()
                        ? variable.path("query").path("query").asText()
                        : "";
                PromQl.metricNames(query).forEach(n -> used.putIfAbsent(n, tree.relative(file)));
            }
        }
        for (Path file : List.of(
                tree.resolve("prometheus/exfilguard-rules.yaml"),
                tree.resolve("kubernetes/base/prometheusrule.yaml"))) {
            for (JsonNode doc : DeployTree.yamlDocuments(file)) {
                for (JsonNode expr : doc.findValues("expr")) {
                    PromQl.metricNames(expr.asText()).forEach(n -> used.putIfAbsent(n, tree.relative(file)));
                }
            }
        }
        return used;
    }

    /** Used names the detector does not export (histogram and summary suffixes allowed). */
    static List<String> unknownMetrics(Map<String, String> used, Set<String> exported) {
        Set<String> bases = new LinkedHashSet<>();
        exported.forEach(n -> bases.add(n.replaceAll("_(bucket|count|sum)$", "")));
        List<String> problems = new ArrayList<>();
        used.forEach((name, where) -> {
            boolean known = PROMETHEUS_OWN.contains(name)
                    || exported.contains(name)
                    || bases.contains(name.replaceAll("_(bucket|count|sum)$", ""));
            if (!known) {
                problems.add(where + ": metric " + name + " is not exported by the detector");
            }
        });
        return problems;
    }

    // ---------------------------------------------------------------- helpers

    JsonNode compose() {
        return DeployTree.yamlDocuments(tree.resolve("compose/docker-compose.yml"))
                .get(0);
    }

    private List<Path> textFiles() {
        return tree.files().stream()
                .filter(f -> !f.getFileName().toString().endsWith(".tar"))
                .toList();
    }

    /** The value after {@code option} in a command's arguments. */
    private static Optional<String> optionValue(List<String> args, String option) {
        int at = args.indexOf(option);
        return at >= 0 && at + 1 < args.size() ? Optional.of(args.get(at + 1)) : Optional.empty();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Optional<String> firstGroup(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
