package io.dataflow.flink.transform.condition;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser of the condition language (the original's engine v2, docs/ORIGINAL.md#condition-language):
 *
 * <pre>
 * or      := and ( "||" and )*
 * and     := unary ( "&amp;&amp;" unary )*
 * unary   := "!" unary | primary
 * primary := "(" or ")" | field [ ("==" | "!=") value ]
 * value   := 'single quoted' | "double quoted" | bare-token
 * </pre>
 *
 * <p>Where the original silently evaluated a malformed condition to false (an unclosed parenthesis, a dangling
 * {@code &&}, a comparison without a value), this parser rejects it with the column, so the mistake is found by
 * {@code validate} instead of by an empty table. {@code ==}/{@code !=} are operators with or without spaces around
 * them (the original needed a space or quote after the operator, else it read {@code a==b} as a field name).
 */
final class ConditionParser {

    private final String text;
    private int pos;

    private ConditionParser(String text) {
        this.text = text;
    }

    static Condition parse(String text) throws ConditionParseException {
        if (text == null || text.isBlank()) {
            return Conditions.FALSE;
        }
        ConditionParser parser = new ConditionParser(text);
        Condition condition = parser.or();
        parser.skipSpaces();
        if (parser.pos < text.length()) {
            throw parser.error(parser.peek(')') ? "unmatched ')'" : "expected && or || before \"" + parser.rest() + "\"");
        }
        return condition;
    }

    private Condition or() throws ConditionParseException {
        List<Condition> operands = new ArrayList<>();
        operands.add(and());
        while (consume("||")) {
            operands.add(and());
        }
        return operands.size() == 1 ? operands.get(0) : new Conditions.AnyOf(operands);
    }

    private Condition and() throws ConditionParseException {
        List<Condition> operands = new ArrayList<>();
        operands.add(unary());
        while (consume("&&")) {
            operands.add(unary());
        }
        return operands.size() == 1 ? operands.get(0) : new Conditions.AllOf(operands);
    }

    private Condition unary() throws ConditionParseException {
        skipSpaces();
        if (peek('!') && !text.startsWith("!=", pos)) {
            pos++;
            return new Conditions.Not(unary());
        }
        return primary();
    }

    private Condition primary() throws ConditionParseException {
        skipSpaces();
        if (pos >= text.length()) {
            throw error("expected a field, '(' or '!' but the condition ends");
        }
        if (peek('(')) {
            int open = pos++;
            Condition inner = or();
            skipSpaces();
            if (!peek(')')) {
                throw new ConditionParseException("'(' at column " + (open + 1) + " is not closed", pos + 1);
            }
            pos++;
            return inner;
        }
        int fieldStart = pos;
        String field = field();
        if (field.isEmpty()) {
            throw error("expected a field but found \"" + rest() + "\"");
        }
        FieldRef ref;
        try {
            ref = FieldRef.of(field);
        } catch (IllegalArgumentException e) {
            throw new ConditionParseException(e.getMessage(), fieldStart + 1);
        }
        skipSpaces();
        if (text.startsWith("==", pos) || text.startsWith("!=", pos)) {
            boolean equals = text.charAt(pos) == '=';
            pos += 2;
            return new Conditions.Comparison(ref, value(), equals);
        }
        return new Conditions.Truthy(ref);
    }

    /** A field runs up to whitespace, a parenthesis, a quote or an operator. */
    private String field() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c) || c == '(' || c == ')' || c == '\'' || c == '"'
                    || text.startsWith("==", pos) || text.startsWith("!=", pos)
                    || text.startsWith("&&", pos) || text.startsWith("||", pos)) {
                break;
            }
            pos++;
        }
        return text.substring(start, pos);
    }

    private String value() throws ConditionParseException {
        skipSpaces();
        if (pos >= text.length()) {
            throw error("expected a value after the comparison operator but the condition ends");
        }
        char quote = text.charAt(pos);
        if (quote == '\'' || quote == '"') {
            int open = pos++;
            StringBuilder value = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '\\' && pos < text.length()) {
                    value.append(text.charAt(pos++));
                } else if (c == quote) {
                    return value.toString();
                } else {
                    value.append(c);
                }
            }
            throw new ConditionParseException("quote at column " + (open + 1) + " is not closed", open + 1);
        }
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c) || c == ')' || c == '(' || text.startsWith("&&", pos) || text.startsWith("||", pos)) {
                break;
            }
            pos++;
        }
        if (start == pos) {
            throw error("expected a value after the comparison operator");
        }
        return text.substring(start, pos);
    }

    private boolean consume(String operator) {
        skipSpaces();
        if (text.startsWith(operator, pos)) {
            pos += operator.length();
            return true;
        }
        return false;
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private String rest() {
        String rest = text.substring(pos);
        return rest.length() > 20 ? rest.substring(0, 20) + "…" : rest;
    }

    private ConditionParseException error(String message) {
        return new ConditionParseException(message, pos + 1);
    }
}
