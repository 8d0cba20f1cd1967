package org.memoria.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractCharFilterFactory;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.AbstractTokenizerFactory;
import org.elasticsearch.index.analysis.NormalizingCharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;

import java.io.Reader;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Factories backed by a function, so that each analysis name is a one-line wrapper
 * over the Lucene class doing the work. Options are read when the factory is built
 * (index creation), so bad settings fail there and not on the first document.
 */
final class FunctionFactories {
    private FunctionFactories() {}

    static class Filter extends AbstractTokenFilterFactory {
        private final UnaryOperator<TokenStream> create;
        private final boolean usableForSynonyms;

        Filter(String name, Settings settings, UnaryOperator<TokenStream> create) {
            this(name, settings, create, true);
        }

        Filter(String name, Settings settings, UnaryOperator<TokenStream> create, boolean usableForSynonyms) {
            super(name, settings);
            this.create = create;
            this.usableForSynonyms = usableForSynonyms;
        }

        @Override
        public TokenStream create(TokenStream input) {
            return create.apply(input);
        }

        @Override
        public TokenFilterFactory getSynonymFilter() {
            // As in Elasticsearch: n-gram filters would turn each synonym rule into a pile of grams.
            if (usableForSynonyms == false) {
                throw new IllegalArgumentException(
                    "Token filter [" + name() + "] cannot be used to parse synonyms except as part of an explicit synonym filter parameter"
                );
            }
            return this;
        }
    }

    /** Also allowed in normalizers (keyword fields, prefix/wildcard query terms). */
    static final class NormalizingFilter extends Filter implements NormalizingTokenFilterFactory {
        private final UnaryOperator<TokenStream> normalize;

        NormalizingFilter(String name, Settings settings, UnaryOperator<TokenStream> create) {
            this(name, settings, create, create);
        }

        // A normalizer must keep one token per input token, hence its own function (e.g. asciifolding without preserve_original).
        NormalizingFilter(String name, Settings settings, UnaryOperator<TokenStream> create, UnaryOperator<TokenStream> normalize) {
            super(name, settings, create);
            this.normalize = normalize;
        }

        @Override
        public TokenStream normalize(TokenStream input) {
            return normalize.apply(input);
        }

        @Override
        public TokenFilterFactory getSynonymFilter() {
            // Synonym rules must analyse to one token per word; Elasticsearch likewise drops preserve_original here.
            String name = name();
            return new TokenFilterFactory() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public TokenStream create(TokenStream input) {
                    return normalize.apply(input);
                }
            };
        }
    }

    static final class Tokenizer extends AbstractTokenizerFactory {
        private final Supplier<org.apache.lucene.analysis.Tokenizer> create;

        Tokenizer(IndexSettings indexSettings, Settings settings, String name, Supplier<org.apache.lucene.analysis.Tokenizer> create) {
            super(indexSettings, settings, name);
            this.create = create;
        }

        @Override
        public org.apache.lucene.analysis.Tokenizer create() {
            return create.get();
        }
    }

    static class CharFilter extends AbstractCharFilterFactory {
        private final UnaryOperator<Reader> create;

        CharFilter(String name, UnaryOperator<Reader> create) {
            super(name);
            this.create = create;
        }

        @Override
        public Reader create(Reader reader) {
            return create.apply(reader);
        }
    }

    static final class NormalizingCharFilter extends CharFilter implements NormalizingCharFilterFactory {
        NormalizingCharFilter(String name, UnaryOperator<Reader> create) {
            super(name, create);
        }
    }

    static final class Analyzer extends AbstractIndexAnalyzerProvider<org.apache.lucene.analysis.Analyzer> {
        private final org.apache.lucene.analysis.Analyzer analyzer;

        Analyzer(String name, Settings settings, org.apache.lucene.analysis.Analyzer analyzer) {
            super(name, settings);
            this.analyzer = analyzer;
        }

        @Override
        public org.apache.lucene.analysis.Analyzer get() {
            return analyzer;
        }
    }
}
