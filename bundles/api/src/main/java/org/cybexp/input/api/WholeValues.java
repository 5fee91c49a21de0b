package org.cybexp.input.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Replaces a value where it stands whole in a text, never where it is part of a longer word. */
final class WholeValues {

    private WholeValues() {
    }

    /** The text with every whole occurrence of {@code value} replaced; the text itself when value is empty. */
    static String replace(String text, String value, String replacement) {
        if (text == null || value == null || value.isEmpty() || !text.contains(value)) {
            return text;
        }
        Pattern whole = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(value) + "(?![\\p{L}\\p{N}])");
        return whole.matcher(text).replaceAll(Matcher.quoteReplacement(replacement));
    }
}
