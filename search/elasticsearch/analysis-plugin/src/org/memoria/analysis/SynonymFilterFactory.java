package org.memoria.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymFilter;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.apache.lucene.util.CharsRef;
import org.apache.lucene.util.CharsRefBuilder;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexService.IndexCreationContext;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalysisMode;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.CustomAnalyzer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.function.Function;

/**
 * synonym and synonym_graph with rules in Solr format, from `synonyms` or `synonyms_path`.
 * As in Elasticsearch, the rules are analysed with the tokenizer and filters placed before
 * this filter in the analyzer, so "Straße" in a rule matches what those filters make of it.
 */
@SuppressWarnings("deprecation") // Lucene's SynonymFilter: still what Elasticsearch's `synonym` uses
final class SynonymFilterFactory extends AbstractTokenFilterFactory {
    private final Environment env;
    private final Settings settings;
    private final boolean graph;
    private final boolean expand;
    private final boolean lenient;
    private final AnalysisMode mode;

    SynonymFilterFactory(IndexSettings index, Environment env, String name, Settings settings, boolean graph) {
        super(name, settings);
        if (settings.hasValue("synonyms_set")) {
            throw new IllegalArgumentException(
                "[" + name + "]: synonyms_set is not supported here (this Elasticsearch has no synonyms API); use synonyms or synonyms_path"
            );
        }
        if (settings.hasValue("synonyms") == false && settings.hasValue("synonyms_path") == false) {
            throw new IllegalArgumentException("synonym requires either `synonyms` or `synonyms_path` to be configured");
        }
        String format = settings.get("format", "solr");
        if (format.isEmpty() == false && format.equalsIgnoreCase("solr") == false) {
            throw new IllegalArgumentException("[" + name + "]: synonym format [" + format + "] is not supported here, only solr");
        }
        this.env = env;
        this.settings = settings;
        this.graph = graph;
        this.expand = settings.getAsBoolean("expand", true);
        boolean updateable = settings.getAsBoolean("updateable", false);
        this.lenient = settings.getAsBoolean("lenient", updateable);
        this.mode = updateable ? AnalysisMode.SEARCH_TIME : AnalysisMode.ALL;
    }

    @Override
    public AnalysisMode getAnalysisMode() {
        return mode;
    }

    @Override
    public TokenStream create(TokenStream input) {
        throw new IllegalStateException("a synonym filter must be specialised for its analysis chain first");
    }

    @Override
    public TokenFilterFactory getChainAwareTokenFilterFactory(
        IndexCreationContext context,
        TokenizerFactory tokenizer,
        List<CharFilterFactory> charFilters,
        List<TokenFilterFactory> previousFilters,
        Function<String, TokenFilterFactory> allFilters
    ) {
        Analyzer analyzer = new CustomAnalyzer(
            tokenizer,
            charFilters.toArray(new CharFilterFactory[0]),
            previousFilters.stream().map(TokenFilterFactory::getSynonymFilter).toArray(TokenFilterFactory[]::new)
        );
        SynonymMap map = parse(analyzer);
        String name = name();
        return new TokenFilterFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public TokenStream create(TokenStream input) {
                if (map.fst == null) {
                    return input;
                }
                return graph ? new SynonymGraphFilter(input, map, false) : new SynonymFilter(input, map, false);
            }

            @Override
            public TokenFilterFactory getSynonymFilter() {
                // A later synonym filter must parse its rules without ours, since a map cannot hold stacked tokens.
                return IDENTITY_FILTER;
            }

            @Override
            public AnalysisMode getAnalysisMode() {
                return mode;
            }
        };
    }

    private SynonymMap parse(Analyzer analyzer) {
        StringBuilder rules = new StringBuilder();
        for (String line : Analysis.getWordList(env, settings, "synonyms")) {
            rules.append(line).append('\n');
        }
        try {
            Parser parser = new Parser(expand, lenient, analyzer);
            parser.parse(new StringReader(rules.toString()));
            return parser.build();
        } catch (Exception e) {
            throw new IllegalArgumentException("failed to build synonyms from [" + name() + "]", e);
        }
    }

    /** With lenient, a rule whose words the chain rejects (e.g. all stop words) is skipped instead of failing the index. */
    private static final class Parser extends SolrSynonymParser {
        private final boolean lenient;

        Parser(boolean expand, boolean lenient, Analyzer analyzer) {
            super(true, expand, analyzer);
            this.lenient = lenient;
        }

        @Override
        public CharsRef analyze(String text, CharsRefBuilder reuse) throws IOException {
            try {
                return super.analyze(text, reuse);
            } catch (IllegalArgumentException e) {
                if (lenient) {
                    return new CharsRef("");
                }
                throw e;
            }
        }

        @Override
        public void add(CharsRef input, CharsRef output, boolean includeOrig) {
            if (lenient == false || (input.length > 0 && output.length > 0)) {
                super.add(input, output, includeOrig);
            }
        }
    }
}
