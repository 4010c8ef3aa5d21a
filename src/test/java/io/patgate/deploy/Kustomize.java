package io.patgate.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A small kustomize: renders a kustomization directory as {@code kubectl kustomize} does, for the fields patgate's
 * kustomizations use and nothing more. Any other field (of the kustomization, of an {@code images}, {@code labels}
 * or {@code patches} entry, or a list in a patch with no known merge key) fails the rendering, so nothing that
 * kustomize would do is skipped silently here.
 * <ul>
 * <li>{@code resources}: files inside the kustomization's directory (one or more YAML documents each) or
 * directories anywhere, each rendered as a kustomization;</li>
 * <li>{@code patches}: {@code path} only, a strategic-merge patch of the resource its kind and name say;</li>
 * <li>{@code namespace}: set on every namespaced resource;</li>
 * <li>{@code labels}: {@code pairs} onto {@code metadata.labels} only ({@code includeSelectors: false});</li>
 * <li>{@code images}: {@code name} to {@code newName}/{@code newTag} in every container and init container.</li>
 * </ul>
 */
final class Kustomize {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Set<String> FIELDS =
            Set.of("apiVersion", "kind", "namespace", "resources", "patches", "labels", "images");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");
    /** The strategic-merge key of each list a patch may hold, as the Kubernetes API declares it. */
    private static final Map<String, String> MERGE_KEYS = Map.of(
            "containers",
            "name",
            "initContainers",
            "name",
            "env",
            "name",
            "volumes",
            "name",
            "volumeMounts",
            "mountPath");

    private Kustomize() {}

    /** The resources the kustomization in {@code dir} produces, each a YAML document as maps and lists. */
    static List<Map<String, Object>> render(Path dir) {
        Map<String, Object> k = readOne(dir.resolve("kustomization.yaml"));
        Set<String> unknown = new HashSet<>(k.keySet());
        unknown.removeAll(FIELDS);
        check(unknown.isEmpty(), dir, "fields this renderer does not implement: " + unknown);
        check(
                "kustomize.config.k8s.io/v1beta1".equals(k.get("apiVersion")) && "Kustomization".equals(k.get("kind")),
                dir,
                "not a kustomize.config.k8s.io/v1beta1 Kustomization");

        List<Map<String, Object>> docs = new ArrayList<>();
        for (String resource : strings(k.get("resources"), dir, "resources")) {
            Path path = dir.resolve(resource).normalize();
            check(Files.exists(path), dir, "resource " + resource + " does not exist");
            check(
                    Files.isDirectory(path) || path.startsWith(dir.normalize()),
                    dir,
                    "file " + resource + " is outside the kustomization (kustomize refuses it)");
            docs.addAll(Files.isDirectory(path) ? render(path) : readAll(path));
        }
        Set<String> ids = new HashSet<>();
        for (Map<String, Object> doc : docs) {
            check(
                    ids.add(doc.get("kind") + "/" + metadata(doc).get("namespace") + "/"
                            + metadata(doc).get("name")),
                    dir,
                    "two resources are " + doc.get("kind") + " " + metadata(doc).get("name"));
        }

        for (Map<String, Object> entry : maps(k.get("patches"), dir, "patches")) {
            check(entry.keySet().equals(Set.of("path")), dir, "a patch other than {path: ...}: " + entry.keySet());
            Path file = dir.resolve((String) entry.get("path")).normalize();
            check(
                    file.startsWith(dir.normalize()),
                    dir,
                    "patch " + file + " is outside the kustomization (kustomize refuses it)");
            Map<String, Object> patch = readOne(file);
            check(!metadata(patch).containsKey("namespace"), dir, "a patch that names a namespace");
            List<Map<String, Object>> targets = docs.stream()
                    .filter(d -> Objects.equals(d.get("kind"), patch.get("kind"))
                            && Objects.equals(d.get("apiVersion"), patch.get("apiVersion"))
                            && Objects.equals(
                                    metadata(d).get("name"), metadata(patch).get("name")))
                    .toList();
            check(
                    targets.size() == 1,
                    dir,
                    "patch " + entry.get("path") + " matches " + targets.size() + " resources, not one");
            merge(targets.get(0), patch, file + ":");
        }

        if (k.get("namespace") instanceof String namespace) {
            for (Map<String, Object> doc : docs) {
                if (CLUSTER_SCOPED.contains(doc.get("kind"))) {
                    check(
                            namespace.equals(metadata(doc).get("name")),
                            dir,
                            "Namespace " + metadata(doc).get("name") + " beside namespace: " + namespace);
                } else {
                    metadata(doc).put("namespace", namespace);
                }
            }
        } else {
            check(!k.containsKey("namespace"), dir, "namespace is not a string");
        }

        for (Map<String, Object> entry : maps(k.get("labels"), dir, "labels")) {
            check(
                    Set.of("pairs", "includeSelectors").containsAll(entry.keySet()),
                    dir,
                    "a labels entry with " + entry.keySet());
            check(
                    Boolean.FALSE.equals(entry.getOrDefault("includeSelectors", false)),
                    dir,
                    "labels with includeSelectors: true");
            @SuppressWarnings("unchecked")
            Map<String, Object> pairs = (Map<String, Object>) entry.get("pairs");
            for (Map<String, Object> doc : docs) {
                @SuppressWarnings("unchecked")
                Map<String, Object> labels =
                        (Map<String, Object>) metadata(doc).computeIfAbsent("labels", x -> new LinkedHashMap<>());
                labels.putAll(pairs);
            }
        }

        for (Map<String, Object> entry : maps(k.get("images"), dir, "images")) {
            check(
                    entry.containsKey("name")
                            && Set.of("name", "newName", "newTag").containsAll(entry.keySet()),
                    dir,
                    "an images entry with " + entry.keySet());
            docs.forEach(doc -> setImages(doc, entry));
        }
        return docs;
    }

    /**
     * Strategic merge of {@code patch} into {@code target}: maps merge key by key, lists by their merge key (an element
     * with a new key is appended), anything else is replaced. Directives ({@code $patch}...) and nulls (deletions) fail.
     */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> target, Map<String, Object> patch, String path) {
        patch.forEach((key, value) -> {
            String at = path + "." + key;
            check(
                    !key.startsWith("$") && value != null,
                    at,
                    "a patch directive or deletion the renderer does not implement");
            Object old = target.get(key);
            if (value instanceof Map<?, ?> map && old instanceof Map<?, ?> oldMap) {
                merge((Map<String, Object>) oldMap, (Map<String, Object>) map, at);
            } else if (value instanceof List<?> list) {
                String mergeKey = MERGE_KEYS.get(key);
                check(mergeKey != null, at, "a list with no merge key known to the renderer");
                List<Object> merged = old == null ? new ArrayList<>() : (List<Object>) old;
                for (Object element : list) {
                    Map<String, Object> patchElement = (Map<String, Object>) element;
                    merged.stream()
                            .map(e -> (Map<String, Object>) e)
                            .filter(e -> Objects.equals(e.get(mergeKey), patchElement.get(mergeKey)))
                            .findFirst()
                            .ifPresentOrElse(
                                    e -> merge(e, patchElement, at + "[" + patchElement.get(mergeKey) + "]"),
                                    () -> merged.add(patchElement));
                }
                target.put(key, merged);
            } else {
                target.put(key, value);
            }
        });
    }

    /** Every {@code image} of an element of a {@code containers} or {@code initContainers} list, anywhere in the tree. */
    @SuppressWarnings("unchecked")
    private static void setImages(Object node, Map<String, Object> entry) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if (("containers".equals(key) || "initContainers".equals(key)) && value instanceof List<?> containers) {
                    for (Object c : containers) {
                        Map<String, Object> container = (Map<String, Object>) c;
                        container.put("image", newImage((String) container.get("image"), entry));
                    }
                }
                setImages(value, entry);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(e -> setImages(e, entry));
        }
    }

    private static String newImage(String image, Map<String, Object> entry) {
        check(!image.contains("@"), image, "an image by digest, which the renderer does not implement");
        int colon = image.lastIndexOf(':');
        boolean tagged = colon > image.lastIndexOf('/');
        String name = tagged ? image.substring(0, colon) : image;
        if (!name.equals(entry.get("name"))) {
            return image;
        }
        String tag = entry.containsKey("newTag")
                ? String.valueOf(entry.get("newTag"))
                : tagged ? image.substring(colon + 1) : null;
        return entry.getOrDefault("newName", name) + (tag == null ? "" : ":" + tag);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(Map<String, Object> doc) {
        return (Map<String, Object>) doc.computeIfAbsent("metadata", x -> new LinkedHashMap<>());
    }

    static Map<String, Object> readOne(Path file) {
        List<Map<String, Object>> docs = readAll(file);
        check(docs.size() == 1, file, "holds " + docs.size() + " YAML documents, not one");
        return docs.get(0);
    }

    static List<Map<String, Object>> readAll(Path file) {
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            List<Map<String, Object>> docs = new ArrayList<>();
            YAML.readValues(parser, new TypeReference<Map<String, Object>>() {}).forEachRemaining(d -> {
                if (d != null) {
                    docs.add(d);
                }
            });
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object list, Path dir, String field) {
        check(
                list == null || list instanceof List<?> l && l.stream().allMatch(String.class::isInstance),
                dir,
                field + " is not a list of strings");
        return list == null ? List.of() : (List<String>) list;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object list, Path dir, String field) {
        check(
                list == null || list instanceof List<?> l && l.stream().allMatch(Map.class::isInstance),
                dir,
                field + " is not a list of maps");
        return list == null ? List.of() : (List<Map<String, Object>>) list;
    }

    private static void check(boolean condition, Object where, String problem) {
        if (!condition) {
            throw new IllegalStateException(where + ": " + problem);
        }
    }
}
