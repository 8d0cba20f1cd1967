package org.memoria.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.compound.DictionaryCompoundWordTokenFilter;

import java.util.BitSet;
import java.util.Collection;

/**
 * dictionary_decompounder: Lucene's DictionaryCompoundWordTokenFilter, which looks up every
 * substring of every long enough token, except where no lookup can succeed. A part found is a run
 * of at least min_subword_size characters that all occur in the word list; a token without such a
 * run (a Russian word against a German list) has no part to find and is passed on as it is.
 */
final class Decompounder extends DictionaryCompoundWordTokenFilter {
    private final BitSet alphabet;

    /** alphabet: the characters of the word list's words, or null to look up every token (a case-insensitive list). */
    Decompounder(TokenStream input, CharArraySet words, BitSet alphabet, int minWord, int minSubword, int maxSubword, boolean onlyLongest) {
        super(input, words, minWord, minSubword, maxSubword, onlyLongest);
        this.alphabet = alphabet;
    }

    static BitSet alphabet(Collection<String> words) {
        BitSet alphabet = new BitSet();
        for (String word : words) {
            word.chars().forEach(alphabet::set);
        }
        return alphabet;
    }

    @Override
    protected void decompose() {
        if (alphabet == null) {
            super.decompose();
            return;
        }
        char[] buffer = termAtt.buffer();
        int run = 0;
        for (int i = 0, length = termAtt.length(); i < length; i++) {
            run = alphabet.get(buffer[i]) ? run + 1 : 0;
            if (run >= minSubwordSize) {
                super.decompose();
                return;
            }
        }
    }
}
