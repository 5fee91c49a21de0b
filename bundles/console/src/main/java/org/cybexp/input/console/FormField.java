package org.cybexp.input.console;

import java.util.List;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * One key of an input's form, from its metatype attribute: a secret ({@code PASSWORD}) is a password field whose
 * value is never sent to the browser.
 */
record FormField(String key, String label, String description, boolean secret, boolean number, boolean bool,
        List<String> options, String defaultValue) {

    static FormField of(AttributeDefinition ad) {
        String[] defaults = ad.getDefaultValue();
        String[] values = ad.getOptionValues();
        int type = ad.getType();
        return new FormField(ad.getID(), ad.getName() == null ? ad.getID() : ad.getName(),
                ad.getDescription() == null ? "" : ad.getDescription(), type == AttributeDefinition.PASSWORD,
                type == AttributeDefinition.LONG || type == AttributeDefinition.INTEGER
                        || type == AttributeDefinition.SHORT,
                type == AttributeDefinition.BOOLEAN, values == null ? List.of() : List.of(values),
                defaults == null || defaults.length == 0 ? "" : String.join(",", defaults));
    }
}
