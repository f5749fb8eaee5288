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
     * {@code UserID} → {@code user_id}); letters lower-cased, other characters kept. Upper and lower case mean
     * Go's {@code unicode.IsUpper}/{@code IsLower}: the letter categories Lu and Ll only (Java's
     * {@code isUpperCase}/{@code isLowerCase} also count {@code ª}, {@code º}, {@code Ⓐ} and other
     * Other_Uppercase/Other_Lowercase characters).
     */
    static String snake(String s) {
        StringBuilder out = new StringBuilder(s.length() + 4);
        boolean prevLower = false;
        boolean prevUpper = false;
        for (int i = 0; i < s.length(); i += Character.charCount(s.codePointAt(i))) {
            int c = s.codePointAt(i);
            if (isUpper(c)) {
                int next = i + Character.charCount(c);
                boolean nextLower = next < s.length() && isLower(s.codePointAt(next));
                if (i > 0 && (prevLower || (prevUpper && nextLower))) {
                    out.append('_');
                }
                out.appendCodePoint(Character.toLowerCase(c));
                prevLower = false;
                prevUpper = true;
            } else if (isLower(c) || Character.isDigit(c)) {
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

    private static boolean isUpper(int c) {
        return c < 128 ? c >= 'A' && c <= 'Z' : Character.getType(c) == Character.UPPERCASE_LETTER;
    }

    private static boolean isLower(int c) {
        return c < 128 ? c >= 'a' && c <= 'z' : Character.getType(c) == Character.LOWERCASE_LETTER;
    }

    /**
     * The original's "camelCase", which is PascalCase: split on {@code _}, upper-case the first letter of each
     * part, keep the rest ({@code user_id} → {@code UserId}, {@code id} → {@code Id}, {@code UserID} unchanged).
     * A key of underscores only ({@code _}, {@code __}) has no part and is kept as it is, as in the original.
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
        return out.length() == 0 ? s : out.toString();
    }
}
