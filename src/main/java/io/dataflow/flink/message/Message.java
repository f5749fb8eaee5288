package io.dataflow.flink.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One record moving through a DataFlow job: a payload (normally a JSON document, but any bytes), the metadata
 * that sources and transformations attach (docs/ORIGINAL.md#message-model-and-metadata-keys), and the time it was created.
 *
 * <p>The payload is kept in one of two forms. Transformations and sinks that need the JSON tree call
 * {@link #json()}, which parses the bytes once and caches the tree; transformations that change the tree call
 * {@link #setJson(JsonNode)}, which drops the bytes until someone asks for {@link #data()} again. So a chain of
 * N transformations parses and serializes each message once, not N times, and a sink chained to it (object
 * reuse) reads the same tree without parsing again.
 */
public final class Message {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads trees with the type and root deserializer resolved once: {@code ObjectMapper.readTree} resolves the
     * {@code JsonNode} type on every call, which showed up as 5% of the benchmark's CPU.
     */
    private static final ObjectReader TREE_READER = JSON.readerFor(JsonNode.class);

    /** Marks a payload that was tried and is not JSON, so it is not parsed again. */
    private static final JsonNode NOT_JSON = JSON.getNodeFactory().missingNode();

    private byte[] data;
    private JsonNode tree;
    /** Builds the tree of bytes that came from richer values (see {@link #ofSerialized}); called at most once. */
    private Supplier<JsonNode> treeSource;
    private final Map<String, Object> metadata;
    private long timestamp;

    public Message(byte[] data, Map<String, Object> metadata, long timestamp) {
        this.data = Objects.requireNonNull(data, "data");
        this.metadata = metadata == null ? new LinkedHashMap<>() : metadata;
        this.timestamp = timestamp;
    }

    public static Message of(byte[] data) {
        return new Message(data, new LinkedHashMap<>(), System.currentTimeMillis());
    }

    public static Message of(String data) {
        return of(data.getBytes(StandardCharsets.UTF_8));
    }

    public static Message ofJson(JsonNode tree, Map<String, Object> metadata, long timestamp) {
        Message m = new Message(new byte[0], metadata, timestamp);
        m.setJson(tree);
        return m;
    }

    /**
     * A payload a source wrote as JSON bytes itself, from values its tree would hold more exactly than a parse of the
     * bytes gives back (a PostgreSQL numeric's digits are a {@code DecimalNode} in the row's tree, a double once the
     * bytes are parsed). {@link #data()} is {@code data}; {@link #json()} is {@code tree}'s result, built on the first
     * call, so a job whose sink only writes the bytes never builds the tree, and one that reads the tree reads the
     * same values as if the source had handed it over. {@code data} must be the serialization of that tree.
     */
    public static Message ofSerialized(byte[] data, Supplier<JsonNode> tree, Map<String, Object> metadata, long timestamp) {
        Message m = new Message(data, metadata, timestamp);
        m.treeSource = Objects.requireNonNull(tree, "tree");
        return m;
    }

    /** The payload bytes, serializing the JSON tree if a transformation replaced it. */
    public byte[] data() {
        if (data == null) {
            try {
                data = TreeBytes.of(tree);
            } catch (IOException e) {
                throw new IllegalStateException("cannot serialize JSON payload", e);
            }
        }
        return data;
    }

    /** The payload as UTF-8 text (lossy for binary payloads; for logs and error envelopes). */
    public String dataAsString() {
        return new String(data(), StandardCharsets.UTF_8);
    }

    public void setData(byte[] data) {
        this.data = Objects.requireNonNull(data, "data");
        this.tree = null;
        this.treeSource = null;
    }

    /**
     * The payload parsed as JSON, or {@code null} when it is not JSON. The tree is cached: callers that change it
     * must call {@link #setJson(JsonNode)} (with the same or a new tree) so that {@link #data()} is rebuilt.
     */
    public JsonNode json() {
        if (tree == null) {
            if (treeSource != null) {
                tree = Objects.requireNonNull(treeSource.get(), "tree");
                treeSource = null;
            } else {
                tree = parse(data);
            }
        }
        return tree == NOT_JSON ? null : tree;
    }

    /** Replaces the payload by a JSON tree; the bytes are rebuilt lazily. */
    public void setJson(JsonNode tree) {
        this.tree = Objects.requireNonNull(tree, "tree");
        this.data = null;
        this.treeSource = null;
    }

    /**
     * True once the payload is held as a tree (parsed, or set by a transformation), or has a tree of its own that a
     * parse of the bytes would not give back ({@link #ofSerialized}). A sink that needs only some fields may
     * stream-parse {@link #data()} while this is false, without building and caching the whole tree.
     */
    public boolean isParsed() {
        return tree != null || treeSource != null;
    }

    /** True when the payload parses as JSON (parsing it once if needed). */
    public boolean isJson() {
        return json() != null;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public Object metadata(String key) {
        return metadata.get(key);
    }

    public Message putMetadata(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    public long timestamp() {
        return timestamp;
    }

    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    /**
     * A deep copy: the copy's payload, tree and metadata can be changed without touching this message. A tree this
     * message holds is copied with it, so that a source's tree ({@link #ofSerialized}) is not replaced by a parse.
     */
    public Message copy() {
        if (treeSource != null) {
            json(); // the source's tree, not a parse of the bytes: the copy holds both, as this message now does
        }
        Message copy = new Message(data == null ? new byte[0] : data.clone(), MetadataValues.deepCopy(metadata), timestamp);
        if (data == null) {
            copy.data = null;
            copy.tree = tree.deepCopy();
        } else if (tree != null && tree != NOT_JSON) {
            copy.tree = tree.deepCopy();
        }
        return copy;
    }

    private static JsonNode parse(byte[] bytes) {
        if (bytes.length == 0 || !looksLikeJson(bytes)) {
            return NOT_JSON;
        }
        try {
            JsonNode node = TREE_READER.readValue(bytes);
            return node == null ? NOT_JSON : node;
        } catch (IOException e) {
            return NOT_JSON;
        }
    }

    /** Cheap pre-check so that binary or plain-text payloads do not pay for a failed parse with an exception. */
    private static boolean looksLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                continue;
            }
            return b == '{' || b == '[' || b == '"' || b == '-' || (b >= '0' && b <= '9') || b == 't' || b == 'f' || b == 'n';
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Message)) {
            return false;
        }
        Message other = (Message) o;
        return timestamp == other.timestamp && Arrays.equals(data(), other.data()) && metadata.equals(other.metadata);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data()) + metadata.hashCode();
    }

    /** Never prints the payload: it may hold personal data. */
    @Override
    public String toString() {
        return "Message{bytes=" + data().length + ", metadata=" + metadata.keySet() + ", timestamp=" + timestamp + "}";
    }
}
