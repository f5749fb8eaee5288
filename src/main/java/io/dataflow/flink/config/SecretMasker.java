package io.dataflow.flink.config;

import java.io.Serializable;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hides secrets in anything shown to people: {@code plan} output, validation messages, logs and exceptions.
 * It knows every value that came from {@code ${env:…}}, {@code ${file:…}} or a {@code *SecretRef}, and it also
 * masks passwords embedded in connection strings ({@code postgres://u:pw@h}, {@code password=pw}).
 */
public final class SecretMasker implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String MASK = "******";

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://[^:/@\\s]*:)([^@\\s]+)(@)");
    private static final Pattern DSN_PASSWORD = Pattern.compile("(?i)(\\bpassword\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|[^\\s&;]+)");

    /** Values shorter than this are not masked verbatim (masking "a" everywhere would destroy output). */
    private static final int MIN_SECRET_LENGTH = 3;

    private final Set<String> secrets = new LinkedHashSet<>();

    public void add(String secret) {
        if (secret != null && secret.length() >= MIN_SECRET_LENGTH) {
            secrets.add(secret);
            String trimmed = secret.trim();
            if (!trimmed.equals(secret) && trimmed.length() >= MIN_SECRET_LENGTH) {
                secrets.add(trimmed);
            }
        }
    }

    public boolean isEmpty() {
        return secrets.isEmpty();
    }

    /** The text with every known secret and every embedded password replaced by {@link #MASK}. */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        List<String> longestFirst = secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String s : longestFirst) {
            out = out.replace(s, MASK);
        }
        return maskEmbeddedPasswords(out);
    }

    /** Masks only passwords embedded in URLs and key=value DSNs; needs no knowledge of the manifest. */
    public static String maskEmbeddedPasswords(String text) {
        if (text == null) {
            return null;
        }
        String out = URL_PASSWORD.matcher(text).replaceAll("$1" + MASK + "$3");
        return DSN_PASSWORD.matcher(out).replaceAll("$1" + MASK);
    }
}
