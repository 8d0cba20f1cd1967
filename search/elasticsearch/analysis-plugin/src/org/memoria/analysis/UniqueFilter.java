package org.memoria.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.util.ArrayUtil;

import java.io.IOException;
import java.util.Arrays;

/**
 * The unique filter: drops a token seen earlier in the stream, or with only_on_same_position
 * earlier at the same position. Lucene has only the second (RemoveDuplicatesTokenFilter);
 * Elasticsearch's own class for the first lives in the module this plugin replaces.
 *
 * At one position there are one to a few tokens (a word and its compound parts), so those are
 * compared in a small array that is reused, not put in a set cleared at every word: the set's
 * clearing, hashing and copies were about 3 % of the node's CPU while indexing our bilingual text.
 */
final class UniqueFilter extends TokenFilter {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute posInc = addAttribute(PositionIncrementAttribute.class);
    private final boolean onlyOnSamePosition;
    // The whole stream so far (only_on_same_position off).
    private final CharArraySet seen = new CharArraySet(8, false);
    // The tokens at the current position (only_on_same_position on): the first `count` of them.
    private char[][] atPosition = new char[4][16];
    private int[] lengths = new int[4];
    private int count;

    UniqueFilter(TokenStream input, boolean onlyOnSamePosition) {
        super(input);
        this.onlyOnSamePosition = onlyOnSamePosition;
    }

    @Override
    public boolean incrementToken() throws IOException {
        while (input.incrementToken()) {
            if (onlyOnSamePosition ? firstAtPosition() : firstInStream()) {
                return true;
            }
        }
        return false;
    }

    private boolean firstInStream() {
        if (seen.contains(term.buffer(), 0, term.length())) {
            return false;
        }
        seen.add(term.toString());
        return true;
    }

    private boolean firstAtPosition() {
        char[] buffer = term.buffer();
        int length = term.length();
        if (posInc.getPositionIncrement() > 0) {
            count = 0;
        } else {
            for (int i = 0; i < count; i++) {
                if (Arrays.equals(atPosition[i], 0, lengths[i], buffer, 0, length)) {
                    return false;
                }
            }
        }
        if (count == atPosition.length) {
            atPosition = Arrays.copyOf(atPosition, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
            for (int i = count; i < atPosition.length; i++) {
                atPosition[i] = new char[16];
            }
        }
        atPosition[count] = ArrayUtil.grow(atPosition[count], length);
        System.arraycopy(buffer, 0, atPosition[count], 0, length);
        lengths[count++] = length;
        return true;
    }

    @Override
    public void reset() throws IOException {
        super.reset();
        seen.clear();
        count = 0;
    }
}
