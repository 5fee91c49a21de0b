package org.cybexp.input.console;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.cybexp.input.api.CybexSource;
import org.cybexp.input.api.InvalidConfigException;
import org.cybexp.input.api.SourcePlugin;
import org.cybexp.input.control.command.ControlCommands;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.MetaTypeService;
import org.owasp.encoder.Encode;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Web Console's "CYBEX-P inputs" page ({@code /system/console/cybexp-inputs}): every input with its state and
 * counters, refreshed every two seconds; start, stop, restart and fetch now; an input's dead letters; and a
 * form per input from its metatype. Every action is a request of the CLI's protocol ({@link ControlCommands}),
 * so the page and {@code bin/cybexp-input} share one implementation and give the same answers. A form saves to
 * the input's file in {@code etc/}, after the same validation ({@link CybexSource#validate}) a file edit gets.
 *
 * <p>Requests that change something are POSTs that must carry the header {@value #CSRF_HEADER}, which a page of
 * another site cannot set without the browser asking this server first (it never agrees).
 */
@Component(service = Servlet.class, property = {
    "felix.webconsole.label=" + InputsPage.LABEL,
    "felix.webconsole.title=CYBEX-P inputs",
    "felix.webconsole.category=CYBEX-P"})
public final class InputsPage extends AbstractServlet {

    private static final long serialVersionUID = 1L;
    static final String LABEL = "cybexp-inputs";
    static final String CSRF_HEADER = "X-Cybexp-Console";
    private static final String HIDDEN = "****";

    private final transient ObjectMapper json = new ObjectMapper();
    private final transient ControlCommands commands;
    private final transient CybexSource cybexSource;
    private final transient MetaTypeService metatype;
    private final transient InputFiles files;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<ServiceReference<SourcePlugin>> plugins = List.of();

    @Activate
    public InputsPage(BundleContext context, @Reference ControlCommands commands, @Reference CybexSource cybexSource,
            @Reference MetaTypeService metatype) {
        this.commands = commands;
        this.cybexSource = cybexSource;
        this.metatype = metatype;
        Path home = Path.of(Optional.ofNullable(context.getProperty("cybexp.home")).orElse("."));
        Path data = Optional.ofNullable(context.getProperty("cybexp.data")).map(Path::of)
                .orElse(home.resolve("data"));
        this.files = new InputFiles(home.resolve("etc"), data.resolve("console"));
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String path = subPath(request);
        switch (path) {
            case "/status.json" -> answer(response, commands.execute(request("status", Map.of())));
            case "/deadletters.json" -> answer(response, commands.execute(request("deadletters",
                    Map.of("action", "list", "names", names(request.getParameter("name"))))));
            case "/deadletter.json" -> answer(response, commands.execute(request("deadletters",
                    Map.of("action", "show", "ids", names(request.getParameter("id"))))));
            default -> super.doGet(request, response); // resources under /res/, else the page itself
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getHeader(CSRF_HEADER) == null) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "missing " + CSRF_HEADER + " header");
            return;
        }
        String path = subPath(request);
        switch (path) {
            case "/action" -> answer(response, commands.execute(action(request)));
            case "/save" -> answer(response, json.writeValueAsString(save(request)));
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    @Override
    public void renderContent(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PrintWriter out = response.getWriter();
        String root = pluginRoot(request);
        String edit = request.getParameter("edit");
        String add = request.getParameter("new");
        if (edit != null || add != null) {
            renderForm(out, root, edit, add, request.getParameter("plugin"));
        } else {
            out.println("<div id='cybexp-inputs' data-root='" + Encode.forHtmlAttribute(root) + "'>");
            out.println("<p class='statline' id='cybexp-summary'>loading...</p>");
            out.println("<p id='cybexp-message' class='ui-state-highlight' style='display:none'></p>");
            out.println("<table id='cybexp-table' class='tablesorter nicetable'><thead><tr>"
                    + "<th>Name</th><th>Plugin</th><th>State</th><th>Fetched</th><th>Delivered</th>"
                    + "<th>Outbox</th><th>Dead letters</th><th>Last delivery</th><th>Next run</th>"
                    + "<th>Last error</th><th>Actions</th></tr></thead><tbody></tbody></table>");
            out.println("<p>New input: <select id='cybexp-new-plugin'></select> "
                    + "<button id='cybexp-new' type='button'>Create...</button></p>");
            out.println("<div id='cybexp-deadletters'></div>");
            out.println("</div>");
        }
        out.println("<script src='" + Encode.forHtmlAttribute(root) + "/res/cybexp-inputs.js'></script>");
    }

    private void renderForm(PrintWriter out, String root, String edit, String add, String pluginParam)
            throws IOException {
        String plugin = add != null ? add : pluginParam;
        if (plugin == null || !InputFiles.PLUGIN.matcher(plugin).matches()) {
            out.println("<p class='ui-state-error'>unknown plugin</p>");
            return;
        }
        Map<String, String> values = Map.of();
        String file = "";
        if (edit != null) {
            Optional<Path> existing = files.of(plugin, edit);
            if (existing.isEmpty()) {
                out.println("<p class='ui-state-error'>input '" + Encode.forHtml(edit) + "' has no file in "
                        + Encode.forHtml(files.etc().toString()) + "</p>");
                return;
            }
            file = existing.get().getFileName().toString();
            values = new CfgEdit(Files.readString(existing.get(), StandardCharsets.UTF_8)).values();
        }
        List<FormField> fields = fields(plugin);
        new InputForm(root, plugin, edit, file, fields, values).render(out);
    }

    /** The common keys and the plugin's, from the metatype of the core and of the plugin's bundle. */
    private List<FormField> fields(String plugin) {
        Bundle core = FrameworkUtil.getBundle(cybexSource.getClass());
        Bundle pluginBundle = pluginReference(plugin).map(ServiceReference::getBundle).orElse(null);
        return InputMetatype.fields(metatype, core, pluginBundle, plugin);
    }

    private Optional<ServiceReference<SourcePlugin>> pluginReference(String name) {
        BundleContext context = FrameworkUtil.getBundle(InputsPage.class).getBundleContext();
        for (ServiceReference<SourcePlugin> reference : plugins) {
            SourcePlugin plugin = context.getService(reference);
            try {
                if (plugin != null && name.equals(plugin.name())) {
                    return Optional.of(reference);
                }
            } finally {
                context.ungetService(reference);
            }
        }
        return Optional.empty();
    }

    /**
     * Saves a form: the file's lines with the form's values, checked as the daemon checks a file, then written
     * to etc/ (the daemon picks it up as any edit). A refused form is not written: the input keeps running.
     */
    private Map<String, Object> save(HttpServletRequest request) throws IOException {
        Map<String, Object> answer = new LinkedHashMap<>();
        String plugin = String.valueOf(request.getParameter("plugin"));
        String name = request.getParameter("name");
        List<String> secrets = new ArrayList<>();
        try {
            Optional<ServiceReference<SourcePlugin>> reference = pluginReference(plugin);
            if (reference.isEmpty()) {
                throw new IllegalArgumentException("plugin '" + plugin + "' is not installed");
            }
            Path file;
            String content;
            String editOf = request.getParameter("edit");
            if (editOf != null && !editOf.isEmpty()) {
                file = files.of(plugin, editOf).orElseThrow(
                        () -> new IllegalArgumentException("input '" + editOf + "' has no file in etc/"));
                content = Files.readString(file, StandardCharsets.UTF_8);
            } else {
                file = files.newFile(plugin, String.valueOf(request.getParameter("instance")));
                if (Files.exists(file)) {
                    throw new IllegalArgumentException(file.getFileName() + " exists already: edit that input");
                }
                content = "# created in the web console\n";
            }
            CfgEdit edit = new CfgEdit(content);
            for (FormField field : fields(plugin)) {
                String value = request.getParameter("v:" + field.key());
                if (value == null || field.secret() && value.isEmpty()) {
                    continue; // not in the form, or a secret left as it was
                }
                if (field.secret()) {
                    secrets.add(value);
                }
                if (value.isBlank()) {
                    edit.remove(field.key());
                } else {
                    edit.set(field.key(), value.strip());
                }
            }
            Map<String, String> values = edit.values();
            SourcePlugin service = FrameworkUtil.getBundle(InputsPage.class).getBundleContext()
                    .getService(reference.get());
            try {
                cybexSource.validate(service, editOf != null && !editOf.isEmpty() ? InputFiles.instanceOf(file)
                        : String.valueOf(request.getParameter("instance")), values);
            } finally {
                FrameworkUtil.getBundle(InputsPage.class).getBundleContext().ungetService(reference.get());
            }
            files.write(file, edit.text());
            answer.put("ok", true);
            answer.put("file", "etc/" + file.getFileName());
            answer.put("name", values.getOrDefault("name", InputFiles.instanceOf(file)));
        } catch (InvalidConfigException | IllegalArgumentException e) {
            answer.put("ok", false);
            answer.put("error", hide(e.getMessage(), secrets));
        }
        answer.put("requested", name);
        return answer;
    }

    /** A secret typed into the form never comes back, not even inside an error message. */
    static String hide(String message, List<String> secrets) {
        String out = String.valueOf(message);
        for (String secret : secrets) {
            if (!secret.isBlank()) {
                out = out.replace(secret, HIDDEN).replace(secret.strip(), HIDDEN);
            }
        }
        return out;
    }

    private String action(HttpServletRequest request) throws IOException {
        String command = String.valueOf(request.getParameter("command"));
        switch (command) {
            case "start", "stop", "restart", "fetch":
                return request(command, Map.of("names", names(request.getParameter("name"))));
            case "replay", "purge":
                String id = request.getParameter("id");
                if (id == null || id.isEmpty()) {
                    return request("deadletters", Map.of("action", command, "all", true,
                            "names", names(request.getParameter("name"))));
                }
                return request("deadletters", Map.of("action", command, "ids", names(id)));
            default:
                return request("unknown:" + command, Map.of());
        }
    }

    private String request(String command, Map<String, Object> fields) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>(fields);
        request.put("command", command);
        return json.writeValueAsString(request);
    }

    private static List<String> names(String name) {
        return name == null || name.isEmpty() ? List.of() : List.of(name);
    }

    private static void answer(HttpServletResponse response, String body) throws IOException {
        setNoCache(response);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setStatus(HttpServletResponse.SC_OK);
        response.getWriter().write(body);
    }

    /** The path below the page's label: "/status.json" for ".../cybexp-inputs/status.json". */
    private static String subPath(HttpServletRequest request) {
        String info = request.getPathInfo() == null ? "" : request.getPathInfo();
        int at = info.indexOf(LABEL);
        return at < 0 ? info : info.substring(at + LABEL.length());
    }

    private static String pluginRoot(HttpServletRequest request) {
        Object root = request.getAttribute("felix.webconsole.pluginRoot");
        return root == null ? "" : root.toString();
    }
}
