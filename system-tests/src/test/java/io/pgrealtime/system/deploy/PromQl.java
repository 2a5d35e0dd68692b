package io.pgrealtime.system.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the metric names a PromQL expression selects, with their label matchers. Not a full
 * parser, but it knows what is not a metric: functions and aggregations (an identifier followed
 * by {@code (} or by {@code by}/{@code without}), label lists after {@code by}, {@code without},
 * {@code on}, {@code ignoring}, {@code group_left}, {@code group_right}, binary keywords, label
 * matchers in braces, ranges in brackets, strings, numbers, durations after {@code offset} and
 * Grafana variables ({@code $__rate_interval}).
 */
final class PromQl {
    /** One vector selector: metric name and its label matchers (label to quoted value, "=" only). */
    record Selector(String metric, Map<String, String> equalMatchers) {
    }

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan", "atan2", "start", "end");
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*\"([^\"]*)\"");

    private PromQl() {
    }

    static List<Selector> selectors(String expr) {
        List<Selector> out = new ArrayList<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '[') {
                i = skipTo(expr, i, ']');
            } else if (c == '{') {
                // A selector without a metric name before it ({__name__=…}): not used here.
                i = skipTo(expr, i, '}');
            } else if (c == '$') {
                i++;
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_')) {
                    i++;
                }
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
                    i++;
                }
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_' || expr.charAt(i) == ':')) {
                    i++;
                }
                String word = expr.substring(start, i);
                int next = skipSpaces(expr, i);
                String lower = word.toLowerCase();
                if (LABEL_LISTS.contains(lower)) {
                    if (next < n && expr.charAt(next) == '(') {
                        i = skipTo(expr, next, ')');
                    }
                } else if (lower.equals("offset")) {
                    i = next;
                    while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '-')) {
                        i++;
                    }
                } else if (KEYWORDS.contains(lower)) {
                    // binary operator or constant
                } else if (next < n && expr.charAt(next) == '(') {
                    // function or aggregation call
                } else if (startsWithWord(expr, next, "by") || startsWithWord(expr, next, "without")) {
                    // aggregation with its grouping before the argument: sum by (x) (…)
                } else {
                    Map<String, String> matchers = new TreeMap<>();
                    if (next < n && expr.charAt(next) == '{') {
                        int close = skipTo(expr, next, '}');
                        Matcher m = MATCHER.matcher(expr.substring(next, close));
                        while (m.find()) {
                            matchers.put(m.group(1), m.group(2));
                        }
                        i = close;
                    }
                    out.add(new Selector(word, matchers));
                }
            } else {
                i++;
            }
        }
        return out;
    }

    private static boolean startsWithWord(String s, int at, String word) {
        int end = at + word.length();
        return s.regionMatches(true, at, word, 0, word.length())
                && (end >= s.length() || !(Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_'));
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Index after the closing character, skipping strings inside. */
    private static int skipTo(String s, int open, char close) {
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(s, i);
            } else if (c == close) {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unbalanced '" + s.charAt(open) + "' in PromQL: " + s);
    }

    private static int skipString(String s, int open) {
        char quote = s.charAt(open);
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated string in PromQL: " + s);
    }
}
