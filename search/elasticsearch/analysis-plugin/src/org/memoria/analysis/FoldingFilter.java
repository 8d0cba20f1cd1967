package org.memoria.analysis;

import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.util.ArrayUtil;

import java.io.IOException;
import java.util.BitSet;

/**
 * asciifolding without preserve_original: the tokens of Lucene's ASCIIFoldingFilter, which folds
 * each character on its own through a switch over every foldable character. Tokens whose
 * characters all fold to themselves (ASCII, but also all of Cyrillic: half of our text) are
 * passed on without going through the switch; the set of those characters is Lucene's own answer
 * for each of the 65,536, asked once. In a profile of indexing 20,000 entries the switch alone was
 * 4.6 % of the node's CPU.
 */
final class FoldingFilter extends TokenFilter {
    private static final BitSet UNCHANGED = charactersFoldedToThemselves();

    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private char[] folded = new char[64];

    FoldingFilter(TokenStream input) {
        super(input);
    }

    private static BitSet charactersFoldedToThemselves() {
        BitSet unchanged = new BitSet(Character.MAX_VALUE + 1);
        char[] single = new char[1];
        char[] output = new char[4];
        for (int c = Character.MIN_VALUE; c <= Character.MAX_VALUE; c++) {
            single[0] = (char) c;
            if (ASCIIFoldingFilter.foldToASCII(single, 0, output, 0, 1) == 1 && output[0] == c) {
                unchanged.set(c);
            }
        }
        return unchanged;
    }

    @Override
    public boolean incrementToken() throws IOException {
        if (input.incrementToken() == false) {
            return false;
        }
        char[] buffer = term.buffer();
        int length = term.length();
        for (int i = 0; i < length; i++) {
            if (UNCHANGED.get(buffer[i]) == false) {
                // At most four characters for one, as ASCIIFoldingFilter.foldToASCII(char[], int) allows.
                int capacity = 4 * length;
                if (folded.length < capacity) {
                    folded = new char[ArrayUtil.oversize(capacity, Character.BYTES)];
                }
                term.copyBuffer(folded, 0, ASCIIFoldingFilter.foldToASCII(buffer, 0, folded, 0, length));
                break;
            }
        }
        return true;
    }
}
