package org.memoria.analysis;

import org.apache.lucene.analysis.charfilter.NormalizeCharMap;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the mapping char filter's "key => value" rules, with the escapes Elasticsearch accepts (\n, \t, \\uXXXX, ...). */
final class MappingRules {
    private MappingRules() {}

    private static final Pattern RULE = Pattern.compile("(.*)\\s*=>\\s*(.*)\\s*$");

    static NormalizeCharMap parse(List<String> rules) {
        NormalizeCharMap.Builder map = new NormalizeCharMap.Builder();
        for (String rule : rules) {
            Matcher m = RULE.matcher(rule);
            if (m.find() == false) {
                throw new IllegalArgumentException("Invalid mapping rule : [" + rule + "]");
            }
            String key = unescape(m.group(1).trim());
            if (key.isEmpty()) {
                throw new IllegalArgumentException("Invalid mapping rule: [" + rule + "]. Illegal mapping.");
            }
            map.add(key, unescape(m.group(2).trim()));
        }
        return map.build();
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i >= s.length()) {
                throw new IllegalArgumentException("Invalid escaped char in [" + s + "]");
            }
            c = s.charAt(i);
            switch (c) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 5 > s.length()) {
                        throw new IllegalArgumentException("Invalid escaped char in [" + s + "]");
                    }
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
