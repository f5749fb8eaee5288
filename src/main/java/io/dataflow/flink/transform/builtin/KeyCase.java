package io.dataflow.flink.transform.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Renames object keys with a case function, at the top level or (deep) through nested objects and arrays. */
final class KeyCase {

    private KeyCase() {
    }

    static JsonNode convert(JsonNode node, boolean deep, UnaryOperator<String> keyFn, boolean top) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(keyFn.apply(e.getKey()), deep ? convert(e.getValue(), true, keyFn, false) : e.getValue());
            }
            return out;
        }
        if (node.isArray() && (deep || top)) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
            for (JsonNode item : node) {
                out.add(deep ? convert(item, true, keyFn, false) : item);
            }
            return out;
        }
        return node;
    }

    /**
     * snake_case as the original: an underscore before an upper-case letter that follows a lower-case letter or
     * digit, or that starts the last word of an upper-case run ({@code XMLHttpRequest} → {@code xml_http_request},
     * {@code UserID} → {@code user_id}); letters lower-cased, other characters kept.
     */
    static String snake(String s) {
        StringBuilder out = new StringBuilder(s.length() + 4);
        boolean prevLower = false;
        boolean prevUpper = false;
        for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
            int c = s.codePointAt(i);
            if (Character.isUpperCase(c)) {
                int next = i + Character.charCount(c);
                boolean nextLower = next < s.length() && Character.isLowerCase(s.codePointAt(next));
                if (i > 0 && (prevLower || (prevUpper && nextLower))) {
                    out.append('_');
                }
                out.appendCodePoint(Character.toLowerCase(c));
                prevLower = false;
                prevUpper = true;
            } else if (Character.isLowerCase(c) || Character.isDigit(c)) {
                out.appendCodePoint(c);
                prevLower = true;
                prevUpper = false;
            } else {
                out.appendCodePoint(c);
                prevLower = false;
                prevUpper = false;
            }
        }
        return out.toString();
    }

    /**
     * The original's "camelCase", which is PascalCase: split on {@code _}, upper-case the first letter of each
     * part, keep the rest ({@code user_id} → {@code UserId}, {@code id} → {@code Id}, {@code UserID} unchanged).
     */
    static String pascal(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (String part : s.split("_", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            int first = part.codePointAt(0);
            out.appendCodePoint(Character.toUpperCase(first)).append(part, Character.charCount(first), part.length());
        }
        return out.toString();
    }
}
