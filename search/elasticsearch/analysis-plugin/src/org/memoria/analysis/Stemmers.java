package org.memoria.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.apache.lucene.analysis.de.GermanMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.EmptyTokenStream;
import org.apache.lucene.analysis.ru.RussianLightStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.tartarus.snowball.ext.EnglishStemmer;
import org.tartarus.snowball.ext.German2Stemmer;
import org.tartarus.snowball.ext.GermanStemmer;
import org.tartarus.snowball.ext.RussianStemmer;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The stemmer filter for the languages Memoria uses (German, Russian, English), mapped to the
 * same Lucene classes as Elasticsearch's, and the snowball filter for any Snowball language.
 * Snowball stemmers keep state, so every token stream gets a new one.
 */
final class Stemmers {
    private Stemmers() {}

    static TokenFilterFactory stemmer(IndexSettings index, Environment env, String name, Settings settings) {
        String language = settings.get("language", settings.get("name", "porter"));
        UnaryOperator<TokenStream> stem = switch (language.toLowerCase(Locale.ROOT)) {
            case "english", "porter" -> PorterStemFilter::new;
            case "porter2" -> in -> new SnowballFilter(in, new EnglishStemmer());
            case "light_english", "kstem" -> KStemFilter::new;
            case "minimal_english" -> EnglishMinimalStemFilter::new;
            case "possessive_english" -> EnglishPossessiveFilter::new;
            case "german" -> in -> new SnowballFilter(in, new GermanStemmer());
            // Elasticsearch 8 on Lucene 9 still has the separate german2 variant (ae/oe/ue as umlauts).
            case "german2" -> in -> new SnowballFilter(in, new German2Stemmer());
            case "light_german" -> GermanLightStemFilter::new;
            case "minimal_german" -> GermanMinimalStemFilter::new;
            case "russian" -> in -> new SnowballFilter(in, new RussianStemmer());
            case "light_russian" -> RussianLightStemFilter::new;
            default -> throw new IllegalArgumentException(
                "stemmer language [" + language + "] is not provided by the memoria-analysis plugin (only English, German and Russian)"
            );
        };
        return new FunctionFactories.Filter(name, settings, stem);
    }

    static TokenFilterFactory snowball(IndexSettings index, Environment env, String name, Settings settings) {
        String raw = settings.get("language", "English");
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("snowball filter [" + name + "] needs a language");
        }
        String language = raw.substring(0, 1).toUpperCase(Locale.ROOT) + raw.substring(1);
        // Lucene finds the stemmer class by this name; fail at index creation, not on the first document.
        new SnowballFilter(new EmptyTokenStream(), language);
        return new FunctionFactories.Filter(name, settings, in -> new SnowballFilter(in, language));
    }
}
