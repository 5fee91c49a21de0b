package org.cybexp.input.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A metatype XML file as bnd writes it from {@code @ObjectClassDefinition} and {@code @Designate}: its object
 * classes and which (factory) PID designates which. Read with the JDK's parser, so the same code serves a
 * running framework and a plain unit test.
 */
final class MetatypeDocument {

    private final Map<String, ObjectClass> objectClasses = new LinkedHashMap<>();
    private final Map<String, String> ocdByPid = new LinkedHashMap<>();

    static MetatypeDocument parse(InputStream xml) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            return new MetatypeDocument(builder.parse(xml));
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("not a metatype document: " + e.getMessage(), e);
        }
    }

    private MetatypeDocument(Document document) {
        for (Element ocd : children(document.getDocumentElement(), "OCD")) {
            Map<String, KeyDefinition> keys = new LinkedHashMap<>();
            for (Element ad : children(ocd, "AD")) {
                List<String> options = new ArrayList<>();
                children(ad, "Option").forEach(option -> options.add(option.getAttribute("value")));
                keys.put(ad.getAttribute("id"), new KeyDefinition(ad.getAttribute("id"), ad.getAttribute("type"),
                        attribute(ad, "min"), attribute(ad, "max"), options));
            }
            objectClasses.put(ocd.getAttribute("id"), new ObjectClass(ocd.getAttribute("id"), keys));
        }
        for (Element designate : children(document.getDocumentElement(), "Designate")) {
            String pid = designate.hasAttribute("factoryPid") ? designate.getAttribute("factoryPid")
                    : designate.getAttribute("pid");
            children(designate, "Object").forEach(object -> ocdByPid.put(pid, object.getAttribute("ocdref")));
        }
    }

    Map<String, ObjectClass> objectClasses() {
        return objectClasses;
    }

    /** The object class a (factory) PID is designated to, if this document designates it. */
    Optional<ObjectClass> designated(String pid) {
        return Optional.ofNullable(ocdByPid.get(pid)).map(objectClasses::get);
    }

    private static String attribute(Element element, String name) {
        return element.hasAttribute(name) && !element.getAttribute(name).isEmpty() ? element.getAttribute(name)
                : null;
    }

    /** Child elements by local name, whatever the namespace (bnd writes OCD and AD unqualified). */
    private static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            String name = node.getLocalName() == null ? node.getNodeName() : node.getLocalName();
            if (node instanceof Element element && localName.equals(name)) {
                out.add(element);
            }
        }
        return out;
    }
}
