package org.memoria.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.miscellaneous.PatternKeywordMarkerFilter;
import org.apache.lucene.analysis.miscellaneous.SetKeywordMarkerFilter;
import org.apache.lucene.analysis.miscellaneous.StemmerOverrideFilter;
import org.apache.lucene.analysis.miscellaneous.StemmerOverrideFilter.StemmerOverrideMap;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.TokenFilterFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * keyword_marker and stemmer_override: the filters the reference uses to rebuild a language
 * analyzer as a custom one (for stem_exclusion), and to correct single words a stemmer gets wrong.
 */
final class KeywordFilters {
    private KeywordFilters() {}

    static TokenFilterFactory keywordMarker(IndexSettings index, Environment env, String name, Settings settings) {
        String pattern = settings.get("keywords_pattern");
        if (pattern != null) {
            if (settings.hasValue("keywords") || settings.hasValue("keywords_path")) {
                throw new IllegalArgumentException("cannot specify both `keywords_pattern` and `keywords` or `keywords_path`");
            }
            Pattern compiled = Pattern.compile(pattern);
            return new FunctionFactories.Filter(name, settings, in -> new PatternKeywordMarkerFilter(in, compiled));
        }
        List<String> words = Analysis.getWordList(env, settings, "keywords");
        if (words == null) {
            throw new IllegalArgumentException(
                "keyword filter requires either `keywords`, `keywords_path`, or `keywords_pattern` to be configured"
            );
        }
        CharArraySet keywords = new CharArraySet(words, settings.getAsBoolean("ignore_case", false));
        return new FunctionFactories.Filter(name, settings, in -> new SetKeywordMarkerFilter(in, keywords));
    }

    /** Rules "word1, word2 => stem"; the words then skip the stemmers after this filter. */
    static TokenFilterFactory stemmerOverride(IndexSettings index, Environment env, String name, Settings settings) {
        List<String> rules = Analysis.getWordList(env, settings, "rules");
        if (rules == null) {
            throw new IllegalArgumentException("stemmer override filter requires either `rules` or `rules_path` to be configured");
        }
        StemmerOverrideFilter.Builder builder = new StemmerOverrideFilter.Builder(false);
        for (String rule : rules) {
            int arrow = rule.indexOf("=>");
            String stem = arrow < 0 ? "" : rule.substring(arrow + 2).trim();
            String words = arrow < 0 ? "" : rule.substring(0, arrow).trim();
            if (stem.isEmpty() || words.isEmpty()) {
                throw new IllegalArgumentException("Invalid keyword override rule: " + rule);
            }
            for (String word : words.split(",")) {
                builder.add(word.trim(), stem);
            }
        }
        StemmerOverrideMap map;
        try {
            map = builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FunctionFactories.Filter(name, settings, in -> new StemmerOverrideFilter(in, map));
    }
}
