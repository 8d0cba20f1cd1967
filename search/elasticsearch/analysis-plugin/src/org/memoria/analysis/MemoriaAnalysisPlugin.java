package org.memoria.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.compound.CompoundWordTokenFilterBase;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.de.GermanNormalizationFilter;
import org.apache.lucene.analysis.de.GermanStemFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.apache.lucene.analysis.reverse.ReverseStringFilter;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.apache.lucene.util.AttributeFactory;
import org.elasticsearch.common.regex.Regex;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.tartarus.snowball.ext.RussianStemmer;

import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.elasticsearch.plugins.AnalysisPlugin.requiresAnalysisSettings;

/**
 * The minimal Elasticsearch distribution lacks the analysis-common module. This registers the
 * subset of its names that Memoria and Wagtail's search backend use, under the same names and
 * option names as the Elasticsearch reference, so that our index settings also work unchanged on
 * a full Elasticsearch. Names the server already has (standard tokenizer, lowercase, stop,
 * shingle, the standard/simple/whitespace/keyword analyzers) are not repeated here.
 */
public class MemoriaAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> f = new TreeMap<>();
        f.put("asciifolding", (index, env, name, s) -> {
            boolean preserve = s.getAsBoolean("preserve_original", false);
            return new Fn.NormalizingFilter(
                name,
                s,
                in -> preserve ? new ASCIIFoldingFilter(in, true) : new FoldingFilter(in),
                FoldingFilter::new
            );
        });
        f.put("german_normalization", (index, env, name, s) -> new Fn.NormalizingFilter(name, s, GermanNormalizationFilter::new));
        f.put("german_stem", (index, env, name, s) -> new Fn.Filter(name, s, GermanStemFilter::new));
        f.put("russian_stem", (index, env, name, s) -> new Fn.Filter(name, s, in -> new SnowballFilter(in, new RussianStemmer())));
        f.put("stemmer", Stemmers::stemmer);
        f.put("stemmer_override", requiresAnalysisSettings(KeywordFilters::stemmerOverride));
        f.put("keyword_marker", requiresAnalysisSettings(KeywordFilters::keywordMarker));
        f.put("snowball", Stemmers::snowball);
        f.put("ngram", NGrams::ngramFilter);
        f.put("edge_ngram", NGrams::edgeNgramFilter);
        f.put("synonym", requiresAnalysisSettings((index, env, name, s) -> new SynonymFilterFactory(index, env, name, s, false)));
        f.put("synonym_graph", requiresAnalysisSettings((index, env, name, s) -> new SynonymFilterFactory(index, env, name, s, true)));
        f.put("dictionary_decompounder", requiresAnalysisSettings((index, env, name, s) -> {
            List<String> list = Analysis.getWordList(env, s, "word_list");
            if (list == null) {
                throw new IllegalArgumentException("word_list must be provided for [" + name + "], either as a path to a file, or directly");
            }
            // As Analysis.getWordSet reads the list.
            boolean ignoreCase = s.getAsBoolean("word_list_case", false);
            CharArraySet words = new CharArraySet(list, ignoreCase);
            BitSet alphabet = ignoreCase ? null : Decompounder.alphabet(list);
            int minWord = s.getAsInt("min_word_size", CompoundWordTokenFilterBase.DEFAULT_MIN_WORD_SIZE);
            int minSub = s.getAsInt("min_subword_size", CompoundWordTokenFilterBase.DEFAULT_MIN_SUBWORD_SIZE);
            int maxSub = s.getAsInt("max_subword_size", CompoundWordTokenFilterBase.DEFAULT_MAX_SUBWORD_SIZE);
            boolean longest = s.getAsBoolean("only_longest_match", false);
            return new Fn.Filter(name, s, in -> new Decompounder(in, words, alphabet, minWord, minSub, maxSub, longest));
        }));
        f.put("elision", (index, env, name, s) -> {
            CharArraySet articles = Analysis.parseArticles(env, s);
            // Referenced by name only, Elasticsearch's elision uses the French articles; configured, it needs its own.
            if (articles == null && s.hasValue("type")) {
                throw new IllegalArgumentException("elision filter requires [articles] or [articles_path] setting");
            }
            CharArraySet used = articles == null ? FrenchAnalyzer.DEFAULT_ARTICLES : articles;
            return new Fn.NormalizingFilter(name, s, in -> new ElisionFilter(in, used));
        });
        f.put("unique", (index, env, name, s) -> {
            boolean samePosition = s.getAsBoolean("only_on_same_position", false);
            return new Fn.Filter(name, s, in -> new UniqueFilter(in, samePosition));
        });
        f.put("trim", (index, env, name, s) -> new Fn.NormalizingFilter(name, s, TrimFilter::new));
        f.put("truncate", (index, env, name, s) -> {
            int length = s.getAsInt("length", 10);
            return new Fn.Filter(name, s, in -> new TruncateTokenFilter(in, length));
        });
        f.put("length", (index, env, name, s) -> {
            int min = s.getAsInt("min", 0);
            int max = s.getAsInt("max", Integer.MAX_VALUE);
            return new Fn.Filter(name, s, in -> new LengthFilter(in, min, max));
        });
        f.put("reverse", (index, env, name, s) -> new Fn.Filter(name, s, ReverseStringFilter::new));
        return f;
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> t = new TreeMap<>();
        t.put("ngram", NGrams::ngramTokenizer);
        t.put("edge_ngram", NGrams::edgeNgramTokenizer);
        t.put("keyword", (index, env, name, s) -> {
            int bufferSize = s.getAsInt("buffer_size", KeywordTokenizer.DEFAULT_BUFFER_SIZE);
            return new Fn.Tokenizer(index, s, name, () -> new KeywordTokenizer(bufferSize));
        });
        t.put("whitespace", (index, env, name, s) -> {
            int max = s.getAsInt("max_token_length", 255);
            return new Fn.Tokenizer(index, s, name, () -> new WhitespaceTokenizer(AttributeFactory.DEFAULT_ATTRIBUTE_FACTORY, max));
        });
        t.put("pattern", (index, env, name, s) -> {
            Pattern pattern = Regex.compile(s.get("pattern", "\\W+"), s.get("flags"));
            int group = s.getAsInt("group", -1);
            return new Fn.Tokenizer(index, s, name, () -> new PatternTokenizer(pattern, group));
        });
        return t;
    }

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        Map<String, AnalysisProvider<CharFilterFactory>> c = new TreeMap<>();
        c.put("mapping", requiresAnalysisSettings((index, env, name, s) -> {
            List<String> rules = Analysis.getWordList(env, s, "mappings");
            if (rules == null) {
                throw new IllegalArgumentException("mapping requires either `mappings` or `mappings_path` to be configured");
            }
            NormalizeCharMap map = MappingRules.parse(rules);
            return new Fn.NormalizingCharFilter(name, in -> new MappingCharFilter(map, in));
        }));
        c.put("html_strip", (index, env, name, s) -> {
            List<String> escaped = s.getAsList("escaped_tags");
            return new Fn.CharFilter(name, in -> new HTMLStripCharFilter(in, escaped.isEmpty() ? null : new HashSet<>(escaped)));
        });
        return c;
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends org.apache.lucene.analysis.Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends org.apache.lucene.analysis.Analyzer>>> a = new TreeMap<>();
        a.put("german", (index, env, name, s) -> new Fn.Analyzer(name, s, new GermanAnalyzer(
            Analysis.parseStopWords(env, s, GermanAnalyzer.getDefaultStopSet()),
            Analysis.parseStemExclusion(s, CharArraySet.EMPTY_SET)
        )));
        a.put("russian", (index, env, name, s) -> new Fn.Analyzer(name, s, new RussianAnalyzer(
            Analysis.parseStopWords(env, s, RussianAnalyzer.getDefaultStopSet()),
            Analysis.parseStemExclusion(s, CharArraySet.EMPTY_SET)
        )));
        return a;
    }
}
