package io.dataflow.flink.transform.path;

/** gjson's key wildcards: {@code *} matches any run of characters, {@code ?} exactly one. */
final class WildcardMatch {

    private WildcardMatch() {
    }

    static boolean matches(String pattern, String key) {
        int p = 0;
        int k = 0;
        int starP = -1;
        int starK = 0;
        while (k < key.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == key.charAt(k))) {
                p++;
                k++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starK = k;
            } else if (starP >= 0) {
                p = starP + 1;
                k = ++starK;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
