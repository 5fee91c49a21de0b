package org.cybexp.input.console;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

import org.owasp.encoder.Encode;

/**
 * The HTML form of one input (or a new one): a field per metatype key, its current value from the file in etc/
 * (a reference such as {@code ${env:TOKEN}} shows as written), and for a secret a password field that is always
 * empty: leaving it empty keeps the secret, so its value never travels to the browser.
 */
final class InputForm {

    private final String root;
    private final String plugin;
    private final String name;
    private final String file;
    private final List<FormField> fields;
    private final Map<String, String> values;

    /** @param name the input being edited, or null for a new one */
    InputForm(String root, String plugin, String name, String file, List<FormField> fields,
            Map<String, String> values) {
        this.root = root;
        this.plugin = plugin;
        this.name = name;
        this.file = file;
        this.fields = fields;
        this.values = values;
    }

    void render(PrintWriter out) {
        String title = name == null ? "New " + plugin + " input" : "Input " + name + " (" + plugin + ")";
        out.println("<div id='cybexp-form-page' data-root='" + attr(root) + "'>");
        out.println("<h2>" + html(title) + "</h2>");
        out.println("<p>" + (name == null ? "Saved to a new file in etc/; the daemon starts the input from it."
                : "Saved to etc/" + html(file) + "; the daemon applies it as any edit of the file.")
                + " Empty fields take the default; secrets left empty stay as they are.</p>");
        out.println("<p id='cybexp-form-message' style='display:none'></p>");
        out.println("<form id='cybexp-form' autocomplete='off'>");
        out.println("<input type='hidden' name='plugin' value='" + attr(plugin) + "'>");
        out.println("<input type='hidden' name='edit' value='" + attr(name == null ? "" : name) + "'>");
        out.println("<table class='nicetable'><tbody>");
        if (name == null) {
            row(out, "instance", "file name", "etc/cybexp.source." + plugin + "-NAME.cfg: letters, digits and _",
                    "<input type='text' name='instance' id='f-instance' required>");
        }
        for (FormField field : fields) {
            row(out, field.key(), field.label(), field.description(), input(field));
        }
        out.println("</tbody></table>");
        out.println("<p><button type='submit' id='cybexp-save'>Save</button> "
                + "<a href='" + attr(root) + "'>Back to the inputs</a></p>");
        out.println("</form></div>");
    }

    private String input(FormField field) {
        String id = "f-" + field.key();
        String nameAttr = " name='v:" + attr(field.key()) + "' id='" + attr(id) + "'";
        String value = values.getOrDefault(field.key(), "");
        if (field.secret()) {
            String hint = value.isEmpty() ? "not set" : "set (leave empty to keep)";
            return "<input type='password'" + nameAttr + " value='' placeholder='" + attr(hint) + "'>";
        }
        if (!field.options().isEmpty() || field.bool()) {
            List<String> options = field.bool() ? List.of("true", "false") : field.options();
            StringBuilder select = new StringBuilder("<select" + nameAttr + "><option value=''>(default: "
                    + html(field.defaultValue()) + ")</option>");
            for (String option : options) {
                select.append("<option").append(option.equalsIgnoreCase(value) ? " selected" : "")
                        .append(" value='").append(attr(option)).append("'>").append(html(option))
                        .append("</option>");
            }
            return select.append("</select>").toString();
        }
        return "<input type='text'" + nameAttr + " value='" + attr(value) + "' placeholder='"
                + attr(field.defaultValue().isEmpty() ? "" : "default: " + field.defaultValue()) + "'>";
    }

    private static void row(PrintWriter out, String key, String label, String description, String input) {
        out.println("<tr><td><label for='f-" + attr(key) + "'><b>" + html(key) + "</b></label><br><small>"
                + html(label.equals(key) ? "" : label) + "</small></td><td>" + input + "<br><small>"
                + html(description) + "</small></td></tr>");
    }

    private static String html(String text) {
        return Encode.forHtml(text == null ? "" : text);
    }

    private static String attr(String text) {
        return Encode.forHtmlAttribute(text == null ? "" : text);
    }
}
