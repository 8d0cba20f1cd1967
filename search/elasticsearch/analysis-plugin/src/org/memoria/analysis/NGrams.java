package org.memoria.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.reverse.ReverseStringFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/** The ngram and edge_ngram token filters and tokenizers. Defaults are Elasticsearch's: min_gram 1, max_gram 2. */
final class NGrams {
    private NGrams() {}

    static TokenFilterFactory ngramFilter(IndexSettings index, Environment env, String name, Settings settings) {
        int min = settings.getAsInt("min_gram", 1);
        int max = settings.getAsInt("max_gram", 2);
        checkDiff(index, min, max);
        boolean preserve = settings.getAsBoolean("preserve_original", false);
        return new FunctionFactories.Filter(name, settings, in -> new NGramTokenFilter(in, min, max, preserve), false);
    }

    static TokenFilterFactory edgeNgramFilter(IndexSettings index, Environment env, String name, Settings settings) {
        int min = settings.getAsInt("min_gram", 1);
        int max = settings.getAsInt("max_gram", 2);
        boolean preserve = settings.getAsBoolean("preserve_original", false);
        String side = settings.get("side", "front");
        if (side.equals("front")) {
            return new FunctionFactories.Filter(name, settings, in -> new EdgeNGramTokenFilter(in, min, max, preserve), false);
        }
        if (side.equals("back")) {
            // Lucene dropped side=back; grams of the reversed token, reversed again, are the same thing.
            return new FunctionFactories.Filter(
                name,
                settings,
                in -> new ReverseStringFilter(new EdgeNGramTokenFilter(new ReverseStringFilter(in), min, max, preserve)),
                false
            );
        }
        throw new IllegalArgumentException("invalid side: " + side);
    }

    static TokenizerFactory ngramTokenizer(IndexSettings index, Environment env, String name, Settings settings) {
        int min = settings.getAsInt("min_gram", 1);
        int max = settings.getAsInt("max_gram", 2);
        checkDiff(index, min, max);
        IntPredicate chars = tokenChars(settings);
        return new FunctionFactories.Tokenizer(
            index,
            settings,
            name,
            () -> chars == null ? new NGramTokenizer(min, max) : new NGramTokenizer(min, max) {
                @Override
                protected boolean isTokenChar(int c) {
                    return chars.test(c);
                }
            }
        );
    }

    static TokenizerFactory edgeNgramTokenizer(IndexSettings index, Environment env, String name, Settings settings) {
        int min = settings.getAsInt("min_gram", 1);
        int max = settings.getAsInt("max_gram", 2);
        IntPredicate chars = tokenChars(settings);
        return new FunctionFactories.Tokenizer(
            index,
            settings,
            name,
            () -> chars == null ? new EdgeNGramTokenizer(min, max) : new EdgeNGramTokenizer(min, max) {
                @Override
                protected boolean isTokenChar(int c) {
                    return chars.test(c);
                }
            }
        );
    }

    // Elasticsearch caps the gram spread per index, because each extra size multiplies the terms indexed.
    private static void checkDiff(IndexSettings index, int min, int max) {
        int allowed = index.getMaxNgramDiff();
        if (max - min > allowed) {
            throw new IllegalArgumentException(
                "The difference between max_gram and min_gram in NGram Tokenizer must be less than or equal to: ["
                    + allowed
                    + "] but was ["
                    + (max - min)
                    + "]. This limit can be set by changing the ["
                    + IndexSettings.MAX_NGRAM_DIFF_SETTING.getKey()
                    + "] index level setting."
            );
        }
    }

    private static final Set<Integer> PUNCTUATION = Set.of(
        (int) Character.START_PUNCTUATION,
        (int) Character.END_PUNCTUATION,
        (int) Character.OTHER_PUNCTUATION,
        (int) Character.CONNECTOR_PUNCTUATION,
        (int) Character.DASH_PUNCTUATION,
        (int) Character.INITIAL_QUOTE_PUNCTUATION,
        (int) Character.FINAL_QUOTE_PUNCTUATION
    );
    private static final Set<Integer> SYMBOL = Set.of(
        (int) Character.CURRENCY_SYMBOL,
        (int) Character.MATH_SYMBOL,
        (int) Character.OTHER_SYMBOL,
        (int) Character.MODIFIER_SYMBOL
    );

    /** token_chars: the classes kept inside a token; null (no setting) keeps every character. */
    private static IntPredicate tokenChars(Settings settings) {
        List<String> classes = settings.getAsList("token_chars");
        if (classes.isEmpty()) {
            return null;
        }
        IntPredicate result = c -> false;
        for (String raw : classes) {
            String cls = raw.toLowerCase(Locale.ROOT).trim();
            result = result.or(switch (cls) {
                case "letter" -> Character::isLetter;
                case "digit" -> Character::isDigit;
                case "whitespace" -> Character::isWhitespace;
                case "punctuation" -> c -> PUNCTUATION.contains(Character.getType(c));
                case "symbol" -> c -> SYMBOL.contains(Character.getType(c));
                case "custom" -> {
                    String custom = settings.get("custom_token_chars");
                    if (custom == null) {
                        throw new IllegalArgumentException("Token type: 'custom' requires setting `custom_token_chars`");
                    }
                    Set<Integer> set = custom.codePoints().boxed().collect(Collectors.toUnmodifiableSet());
                    yield c -> set.contains(c);
                }
                default -> throw new IllegalArgumentException(
                    "Unknown token type: '" + cls + "', must be one of [letter, digit, whitespace, punctuation, symbol, custom]"
                );
            });
        }
        return result;
    }
}
