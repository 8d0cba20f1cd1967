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
import java.util.Set;
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
        Map<String, AnalysisProvider<TokenFilterFactory>> tokenFilters = new TreeMap<>();
        tokenFilters.put("asciifolding", (index, env, name, settings) -> {
            boolean preserve = settings.getAsBoolean("preserve_original", false);
            return new FunctionFactories.NormalizingFilter(
                name,
                settings,
                in -> preserve ? new ASCIIFoldingFilter(in, true) : new FoldingFilter(in),
                FoldingFilter::new
            );
        });
        tokenFilters.put("german_normalization", (index, env, name, settings) ->
            new FunctionFactories.NormalizingFilter(name, settings, GermanNormalizationFilter::new)
        );
        tokenFilters.put("german_stem", (index, env, name, settings) ->
            new FunctionFactories.Filter(name, settings, GermanStemFilter::new)
        );
        tokenFilters.put("russian_stem", (index, env, name, settings) ->
            new FunctionFactories.Filter(name, settings, in -> new SnowballFilter(in, new RussianStemmer()))
        );
        tokenFilters.put("stemmer", Stemmers::stemmer);
        tokenFilters.put("stemmer_override", requiresAnalysisSettings(KeywordFilters::stemmerOverride));
        tokenFilters.put("keyword_marker", requiresAnalysisSettings(KeywordFilters::keywordMarker));
        tokenFilters.put("snowball", Stemmers::snowball);
        tokenFilters.put("ngram", NGrams::ngramFilter);
        tokenFilters.put("edge_ngram", NGrams::edgeNgramFilter);
        tokenFilters.put("synonym", requiresAnalysisSettings((index, env, name, settings) ->
            new SynonymFilterFactory(index, env, name, settings, false)
        ));
        tokenFilters.put("synonym_graph", requiresAnalysisSettings((index, env, name, settings) ->
            new SynonymFilterFactory(index, env, name, settings, true)
        ));
        tokenFilters.put("dictionary_decompounder", requiresAnalysisSettings((index, env, name, settings) -> {
            List<String> list = Analysis.getWordList(env, settings, "word_list");
            if (list == null) {
                throw new IllegalArgumentException("word_list must be provided for [" + name + "], either as a path to a file, or directly");
            }
            // As Analysis.getWordSet reads the list.
            boolean ignoreCase = settings.getAsBoolean("word_list_case", false);
            CharArraySet words = new CharArraySet(list, ignoreCase);
            BitSet alphabet = ignoreCase ? null : Decompounder.alphabet(list);
            int minWord = settings.getAsInt("min_word_size", CompoundWordTokenFilterBase.DEFAULT_MIN_WORD_SIZE);
            int minSub = settings.getAsInt("min_subword_size", CompoundWordTokenFilterBase.DEFAULT_MIN_SUBWORD_SIZE);
            int maxSub = settings.getAsInt("max_subword_size", CompoundWordTokenFilterBase.DEFAULT_MAX_SUBWORD_SIZE);
            boolean longest = settings.getAsBoolean("only_longest_match", false);
            return new FunctionFactories.Filter(
                name,
                settings,
                in -> new Decompounder(in, words, alphabet, minWord, minSub, maxSub, longest)
            );
        }));
        tokenFilters.put("elision", (index, env, name, settings) -> {
            CharArraySet articles = Analysis.parseArticles(env, settings);
            // Referenced by name only, Elasticsearch's elision uses the French articles; configured, it needs its own.
            if (articles == null && settings.hasValue("type")) {
                throw new IllegalArgumentException("elision filter requires [articles] or [articles_path] setting");
            }
            CharArraySet used = articles == null ? FrenchAnalyzer.DEFAULT_ARTICLES : articles;
            return new FunctionFactories.NormalizingFilter(name, settings, in -> new ElisionFilter(in, used));
        });
        tokenFilters.put("unique", (index, env, name, settings) -> {
            boolean samePosition = settings.getAsBoolean("only_on_same_position", false);
            return new FunctionFactories.Filter(name, settings, in -> new UniqueFilter(in, samePosition));
        });
        tokenFilters.put("trim", (index, env, name, settings) -> new FunctionFactories.NormalizingFilter(name, settings, TrimFilter::new));
        tokenFilters.put("truncate", (index, env, name, settings) -> {
            int length = settings.getAsInt("length", 10);
            return new FunctionFactories.Filter(name, settings, in -> new TruncateTokenFilter(in, length));
        });
        tokenFilters.put("length", (index, env, name, settings) -> {
            int min = settings.getAsInt("min", 0);
            int max = settings.getAsInt("max", Integer.MAX_VALUE);
            return new FunctionFactories.Filter(name, settings, in -> new LengthFilter(in, min, max));
        });
        tokenFilters.put("reverse", (index, env, name, settings) -> new FunctionFactories.Filter(name, settings, ReverseStringFilter::new));
        return tokenFilters;
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> tokenizers = new TreeMap<>();
        tokenizers.put("ngram", NGrams::ngramTokenizer);
        tokenizers.put("edge_ngram", NGrams::edgeNgramTokenizer);
        tokenizers.put("keyword", (index, env, name, settings) -> {
            int bufferSize = settings.getAsInt("buffer_size", KeywordTokenizer.DEFAULT_BUFFER_SIZE);
            return new FunctionFactories.Tokenizer(index, settings, name, () -> new KeywordTokenizer(bufferSize));
        });
        tokenizers.put("whitespace", (index, env, name, settings) -> {
            int max = settings.getAsInt("max_token_length", 255);
            return new FunctionFactories.Tokenizer(
                index,
                settings,
                name,
                () -> new WhitespaceTokenizer(AttributeFactory.DEFAULT_ATTRIBUTE_FACTORY, max)
            );
        });
        tokenizers.put("pattern", (index, env, name, settings) -> {
            Pattern pattern = Regex.compile(settings.get("pattern", "\\W+"), settings.get("flags"));
            int group = settings.getAsInt("group", -1);
            return new FunctionFactories.Tokenizer(index, settings, name, () -> new PatternTokenizer(pattern, group));
        });
        return tokenizers;
    }

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        Map<String, AnalysisProvider<CharFilterFactory>> charFilters = new TreeMap<>();
        charFilters.put("mapping", requiresAnalysisSettings((index, env, name, settings) -> {
            List<String> rules = Analysis.getWordList(env, settings, "mappings");
            if (rules == null) {
                throw new IllegalArgumentException("mapping requires either `mappings` or `mappings_path` to be configured");
            }
            NormalizeCharMap map = MappingRules.parse(rules);
            return new FunctionFactories.NormalizingCharFilter(name, in -> new MappingCharFilter(map, in));
        }));
        charFilters.put("html_strip", (index, env, name, settings) -> {
            List<String> escaped = settings.getAsList("escaped_tags");
            Set<String> kept = escaped.isEmpty() ? null : new HashSet<>(escaped);
            return new FunctionFactories.CharFilter(name, in -> new HTMLStripCharFilter(in, kept));
        });
        return charFilters;
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends org.apache.lucene.analysis.Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends org.apache.lucene.analysis.Analyzer>>> analyzers = new TreeMap<>();
        analyzers.put("german", (index, env, name, settings) -> new FunctionFactories.Analyzer(name, settings, new GermanAnalyzer(
            Analysis.parseStopWords(env, settings, GermanAnalyzer.getDefaultStopSet()),
            Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET)
        )));
        analyzers.put("russian", (index, env, name, settings) -> new FunctionFactories.Analyzer(name, settings, new RussianAnalyzer(
            Analysis.parseStopWords(env, settings, RussianAnalyzer.getDefaultStopSet()),
            Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET)
        )));
        return analyzers;
    }
}
