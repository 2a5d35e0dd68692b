package io.pgrealtime.system.deploy;

import org.yaml.snakeyaml.Yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Dockerfile parsed the way the builder reads it, enough for tests: the {@code escape} parser
 * directive, comments (also inside continued instructions), line continuations, instructions with
 * their leading {@code --flags}, stages ({@code FROM [--platform=…] image [AS name]}) and the
 * global {@code ARG}s before the first {@code FROM}. Heredocs ({@code RUN <<EOF}) are not
 * supported; an unknown instruction keyword fails the parse, so a misread file does not pass
 * silently.
 */
final class Dockerfile {
    private static final Set<String> KEYWORDS = Set.of("FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV",
            "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");

    /** One instruction: upper-case keyword, arguments as written (continuations joined), first line number. */
    record Instruction(String keyword, String arguments, int line) {
        /** Leading {@code --name=value} flags (e.g. COPY --from=build, RUN --mount=…, HEALTHCHECK --interval=…). */
        Map<String, String> flags() {
            Map<String, String> flags = new LinkedHashMap<>();
            for (String word : words(arguments)) {
                if (!word.startsWith("--")) {
                    break;
                }
                int eq = word.indexOf('=');
                flags.put(eq < 0 ? word.substring(2) : word.substring(2, eq), eq < 0 ? "" : word.substring(eq + 1));
            }
            return flags;
        }

        /** The arguments after the leading flags. */
        String body() {
            String rest = arguments.strip();
            while (rest.startsWith("--")) {
                int space = indexOfUnquotedSpace(rest);
                rest = space < 0 ? "" : rest.substring(space).strip();
            }
            return rest;
        }

        boolean isExecForm() {
            return body().startsWith("[");
        }

        /** The JSON array of an exec-form instruction (ENTRYPOINT, CMD, RUN, HEALTHCHECK CMD). */
        List<String> execForm() {
            if (!isExecForm()) {
                throw new AssertionError(keyword + " at line " + line + " is in shell form, not a JSON array: " + arguments);
            }
            Object parsed = new Yaml().load(body());
            if (!(parsed instanceof List<?> list)) {
                throw new AssertionError(keyword + " at line " + line + " is not a JSON array of strings: " + arguments);
            }
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                out.add(String.valueOf(o));
            }
            return out;
        }

        /** key=value pairs of ENV, LABEL and ARG (also the legacy {@code ENV key value} form), quotes removed. */
        Map<String, String> keyValues() {
            Map<String, String> out = new LinkedHashMap<>();
            List<String> words = words(body());
            if (words.size() >= 2 && !words.get(0).contains("=") && (keyword.equals("ENV") || keyword.equals("LABEL"))) {
                out.put(unquote(words.get(0)), unquote(body().strip().substring(words.get(0).length()).strip()));
                return out;
            }
            for (String word : words) {
                int eq = word.indexOf('=');
                out.put(unquote(eq < 0 ? word : word.substring(0, eq)), eq < 0 ? "" : unquote(word.substring(eq + 1)));
            }
            return out;
        }
    }

    /** One build stage, from its FROM to the next. */
    record Stage(int index, String baseImage, String name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        /** The instruction that takes effect: the last of its kind in the stage. */
        Optional<Instruction> last(String keyword) {
            List<Instruction> all = all(keyword);
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        }

        int position(Instruction instruction) {
            return instructions.indexOf(instruction);
        }

        /** Value of an ENV variable as set in this stage (last assignment wins). */
        Optional<String> env(String name) {
            String value = null;
            for (Instruction env : all("ENV")) {
                Map<String, String> kv = env.keyValues();
                if (kv.containsKey(name)) {
                    value = kv.get(name);
                }
            }
            return Optional.ofNullable(value);
        }

        /** All instruction text of the stage, for "mentions" checks. */
        String text() {
            StringBuilder sb = new StringBuilder();
            instructions.forEach(i -> sb.append(i.keyword()).append(' ').append(i.arguments()).append('\n'));
            return sb.toString();
        }
    }

    private final List<Instruction> globalArgs;
    private final List<Stage> stages;

    private Dockerfile(List<Instruction> globalArgs, List<Stage> stages) {
        this.globalArgs = globalArgs;
        this.stages = stages;
    }

    List<Stage> stages() {
        return stages;
    }

    List<Instruction> globalArgs() {
        return globalArgs;
    }

    Stage finalStage() {
        if (stages.isEmpty()) {
            throw new AssertionError("the Dockerfile has no FROM instruction");
        }
        return stages.get(stages.size() - 1);
    }

    /** The stage a {@code COPY --from=} names: a stage name or a 0-based index (not an external image). */
    Optional<Stage> stage(String nameOrIndex) {
        for (Stage s : stages) {
            if (nameOrIndex.equalsIgnoreCase(s.name()) || nameOrIndex.equals(Integer.toString(s.index()))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    static Dockerfile parse(String text) {
        String[] lines = text.split("\r?\n", -1);
        char escape = '\\';
        // Parser directives: only at the very top, as "# directive=value", before any other line.
        for (String raw : lines) {
            String l = raw.strip();
            if (!l.startsWith("#")) {
                break;
            }
            String d = l.substring(1).strip().toLowerCase(Locale.ROOT);
            if (d.startsWith("escape=")) {
                escape = d.substring("escape=".length()).strip().charAt(0);
            } else if (!d.matches("[a-z]+=.*")) {
                break;
            }
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = null;
        int start = 0;
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            String stripped = line.strip();
            if (stripped.startsWith("#") || (stripped.isEmpty() && current == null)) {
                continue; // comments are removed, also between continuation lines
            }
            if (current == null) {
                current = new StringBuilder();
                start = n + 1;
            }
            String trailing = line.stripTrailing();
            if (!trailing.isEmpty() && trailing.charAt(trailing.length() - 1) == escape) {
                current.append(trailing, 0, trailing.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            instructions.add(instruction(current.toString().strip(), start));
            current = null;
        }
        if (current != null && !current.toString().isBlank()) {
            instructions.add(instruction(current.toString().strip(), start));
        }

        List<Instruction> globalArgs = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        List<Instruction> stageInstructions = null;
        for (Instruction i : instructions) {
            if (i.keyword().equals("FROM")) {
                List<String> words = words(i.body());
                if (words.isEmpty()) {
                    throw new AssertionError("FROM without an image at line " + i.line());
                }
                String name = null;
                if (words.size() >= 3 && words.get(1).equalsIgnoreCase("AS")) {
                    name = words.get(2);
                } else if (words.size() != 1) {
                    throw new AssertionError("cannot read FROM at line " + i.line() + ": " + i.arguments());
                }
                stageInstructions = new ArrayList<>();
                stages.add(new Stage(stages.size(), words.get(0), name, stageInstructions));
            } else if (stageInstructions == null) {
                if (!i.keyword().equals("ARG")) {
                    throw new AssertionError(i.keyword() + " before the first FROM at line " + i.line());
                }
                globalArgs.add(i);
            } else {
                stageInstructions.add(i);
            }
        }
        return new Dockerfile(List.copyOf(globalArgs), List.copyOf(stages));
    }

    private static Instruction instruction(String text, int line) {
        int space = 0;
        while (space < text.length() && !Character.isWhitespace(text.charAt(space))) {
            space++;
        }
        String keyword = text.substring(0, space).toUpperCase(Locale.ROOT);
        if (!KEYWORDS.contains(keyword)) {
            throw new AssertionError("unknown Dockerfile instruction '" + keyword + "' at line " + line);
        }
        return new Instruction(keyword, text.substring(space).strip(), line);
    }

    /** Splits on unquoted white space, keeping quotes (so that key="a b" stays one word). */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == 0 && c == '\\' && i + 1 < s.length()) {
                word.append(c).append(s.charAt(++i));
            } else if (quote != 0) {
                word.append(c);
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word.append(c);
            } else if (Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    out.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            out.add(word.toString());
        }
        return out;
    }

    private static int indexOfUnquotedSpace(String s) {
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (Character.isWhitespace(c)) {
                return i;
            }
        }
        return -1;
    }

    static String unquote(String s) {
        String t = s.strip();
        if (t.length() >= 2 && (t.charAt(0) == '"' || t.charAt(0) == '\'') && t.charAt(t.length() - 1) == t.charAt(0)) {
            t = t.substring(1, t.length() - 1);
        }
        return t.replace("\\\"", "\"");
    }
}
