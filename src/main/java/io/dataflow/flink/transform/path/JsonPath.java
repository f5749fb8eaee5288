package io.dataflow.flink.transform.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A field path in the original's gjson/sjson dot syntax, evaluated on a Jackson tree: {@code a.b}, {@code items.0}
 * (array index), {@code items.#} (array length), {@code items.#.name} (that field of every element),
 * {@code na*e} / {@code n?me} (wildcard key, first match), {@code a\.b} (a key with a dot), and an optional
 * leading {@code $.} or {@code $}. Writes follow sjson: missing parents are created as objects, an index past the
 * end of an array pads it with nulls, {@code -1} appends.
 *
 * <p>Why not a library: Jayway/JsonPath speaks {@code $.a[0]} and Jackson's {@code JsonPointer} speaks
 * {@code /a/0}; neither reads the dot paths that existing manifests contain, and the subset the original's
 * transformations use is small. gjson's query ({@code #(...)}) and modifier ({@code @reverse}) syntax is rejected
 * with a clear error instead of silently matching nothing.
 */
public final class JsonPath implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String text;
    private final String[] segments;
    private final boolean[] wildcard;

    private JsonPath(String text, List<String> segments, List<Boolean> wildcard) {
        this.text = text;
        this.segments = segments.toArray(new String[0]);
        this.wildcard = new boolean[segments.size()];
        for (int i = 0; i < this.wildcard.length; i++) {
            this.wildcard[i] = wildcard.get(i);
        }
    }

    /**
     * Parses a path. {@code $.a} and {@code a} are the same path; so are {@code $} and the empty path (the root).
     *
     * @throws IllegalArgumentException naming what is wrong, for empty segments and unsupported gjson syntax
     */
    public static JsonPath parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("path is missing");
        }
        String body = text.trim();
        if (body.startsWith("$.")) {
            body = body.substring(2);
        } else if (body.equals("$")) {
            body = "";
        }
        List<String> segments = new ArrayList<>();
        List<Boolean> wildcards = new ArrayList<>();
        if (body.isEmpty()) {
            return new JsonPath(text, segments, wildcards);
        }
        StringBuilder current = new StringBuilder();
        boolean hasWildcard = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                current.append(body.charAt(++i));
            } else if (c == '.') {
                addSegment(text, current, hasWildcard, segments, wildcards);
                current.setLength(0);
                hasWildcard = false;
            } else {
                if (c == '*' || c == '?') {
                    hasWildcard = true;
                }
                current.append(c);
            }
        }
        addSegment(text, current, hasWildcard, segments, wildcards);
        return new JsonPath(text, segments, wildcards);
    }

    private static void addSegment(String text, StringBuilder segment, boolean wildcard, List<String> segments, List<Boolean> wildcards) {
        String s = segment.toString();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("path \"" + text + "\" has an empty segment");
        }
        if (s.startsWith("#(") || s.startsWith("@") || s.indexOf('|') >= 0) {
            throw new IllegalArgumentException("path \"" + text + "\" uses gjson query or modifier syntax (\"" + s
                    + "\"), which is not supported; use plain dot paths");
        }
        segments.add(s);
        wildcards.add(wildcard);
    }

    /** The path as written in the manifest. */
    public String text() {
        return text;
    }

    public int depth() {
        return segments.length;
    }

    public boolean isRoot() {
        return segments.length == 0;
    }

    /** The last segment (the key a value is stored under); the empty string for the root. */
    public String lastSegment() {
        return segments.length == 0 ? "" : segments[segments.length - 1];
    }

    public String segment(int index) {
        return segments[index];
    }

    /**
     * True when the path names one place a value can be written to: no wildcard segment ({@code na*e}) and no
     * {@code #}. sjson refuses to set or delete through such paths.
     */
    public boolean isPlain() {
        for (int i = 0; i < segments.length; i++) {
            if (wildcard[i] || segments[i].equals("#")) {
                return false;
            }
        }
        return true;
    }

    /** The path without its last segment; the root's parent is the root. */
    public JsonPath parent() {
        if (segments.length == 0) {
            return this;
        }
        List<String> s = new ArrayList<>(segments.length - 1);
        List<Boolean> w = new ArrayList<>(segments.length - 1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < segments.length - 1; i++) {
            s.add(segments[i]);
            w.add(wildcard[i]);
            if (i > 0) {
                text.append('.');
            }
            for (char c : segments[i].toCharArray()) {
                if (c == '\\' || c == '.' || (!wildcard[i] && (c == '*' || c == '?'))) {
                    text.append('\\');
                }
                text.append(c);
            }
        }
        return new JsonPath(text.toString(), s, w);
    }

    /** True when this path's first segments are all of {@code prefix}'s (every path starts with itself and the root). */
    public boolean startsWith(JsonPath prefix) {
        if (prefix.segments.length > segments.length) {
            return false;
        }
        for (int i = 0; i < prefix.segments.length; i++) {
            if (!segments[i].equals(prefix.segments[i])) {
                return false;
            }
        }
        return true;
    }

    /** The value at this path, or {@code null} when it does not exist (a JSON null is returned as a NullNode). */
    public JsonNode get(JsonNode root) {
        return get(root, 0);
    }

    private JsonNode get(JsonNode node, int from) {
        for (int i = from; i < segments.length; i++) {
            if (node == null) {
                return null;
            }
            String key = segments[i];
            if (node.isArray()) {
                if (key.equals("#")) {
                    if (i == segments.length - 1) {
                        return JsonNodeFactory.instance.numberNode(node.size());
                    }
                    ArrayNode collected = JsonNodeFactory.instance.arrayNode();
                    for (JsonNode element : node) {
                        JsonNode v = get(element, i + 1);
                        if (v != null) {
                            collected.add(v);
                        }
                    }
                    return collected;
                }
                int index = arrayIndex(key);
                node = index < 0 ? null : node.get(index);
            } else if (node.isObject()) {
                node = wildcard[i] ? firstMatch((ObjectNode) node, key) : node.get(key);
            } else {
                return null;
            }
        }
        return node;
    }

    /** True when the path exists (a JSON null counts as existing). */
    public boolean exists(JsonNode root) {
        return get(root) != null;
    }

    /**
     * Sets the value at this path, creating missing parent objects (sjson semantics). Answers false, changing
     * nothing, when a parent on the way is a scalar or the root is not a container, or when the path is the root.
     */
    public boolean set(JsonNode root, JsonNode value) {
        if (segments.length == 0 || !root.isContainerNode()) {
            return false;
        }
        JsonNode node = root;
        for (int i = 0; i < segments.length - 1; i++) {
            JsonNode child = child(node, segments[i]);
            if (child == null || child.isNull()) {
                child = arrayIndex(segments[i + 1]) >= 0 && !node.isObject() ? JsonNodeFactory.instance.arrayNode()
                        : JsonNodeFactory.instance.objectNode();
                if (!put(node, segments[i], child)) {
                    return false;
                }
            } else if (!child.isContainerNode()) {
                return false;
            }
            node = child;
        }
        return put(node, segments[segments.length - 1], value);
    }

    /** Removes the value at this path; answers the removed value, or {@code null} when there was none. */
    public JsonNode remove(JsonNode root) {
        if (segments.length == 0) {
            return null;
        }
        JsonNode parent = root;
        for (int i = 0; i < segments.length - 1 && parent != null; i++) {
            parent = child(parent, segments[i]);
        }
        if (parent == null) {
            return null;
        }
        String key = segments[segments.length - 1];
        if (parent.isObject()) {
            return ((ObjectNode) parent).remove(key);
        }
        if (parent.isArray()) {
            int index = arrayIndex(key);
            return index >= 0 && index < parent.size() ? ((ArrayNode) parent).remove(index) : null;
        }
        return null;
    }

    private static JsonNode child(JsonNode node, String key) {
        if (node.isObject()) {
            return node.get(key);
        }
        if (node.isArray()) {
            int index = arrayIndex(key);
            return index < 0 ? null : node.get(index);
        }
        return null;
    }

    private static boolean put(JsonNode node, String key, JsonNode value) {
        if (node.isObject()) {
            ((ObjectNode) node).set(key, value);
            return true;
        }
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            if (key.equals("-1")) {
                array.add(value);
                return true;
            }
            int index = arrayIndex(key);
            if (index < 0) {
                return false;
            }
            while (array.size() < index) {
                array.addNull();
            }
            if (index == array.size()) {
                array.add(value);
            } else {
                array.set(index, value);
            }
            return true;
        }
        return false;
    }

    private static int arrayIndex(String key) {
        if (key.isEmpty() || key.length() > 9) {
            return -1;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return Integer.parseInt(key);
    }

    private static JsonNode firstMatch(ObjectNode node, String pattern) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (WildcardMatch.matches(pattern, e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonPath && java.util.Arrays.equals(segments, ((JsonPath) o).segments);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(segments);
    }

    @Override
    public String toString() {
        return text;
    }
}
