// Leaves out the examples an author declined (-Dstreaming=false, -Dlistener=false): their sources, tests and
// .cfg files. Velocity cannot skip a file, so the archetype generates all and this script removes the rest.
import java.nio.file.Files
import java.nio.file.Path

def props = request.properties
Path project = Path.of(request.outputDirectory, request.artifactId)
String pkg = request.getPackage().replace('.', '/')
String prefix = props.getProperty('classPrefix')

def drop = { List<String> names ->
    names.each { name -> Files.deleteIfExists(project.resolve(name)) }
}
if (props.getProperty('streaming') == 'false') {
    drop(["src/main/java/$pkg/${prefix}StreamPlugin.java", "src/main/java/$pkg/${prefix}StreamInput.java",
          "src/test/java/$pkg/${prefix}StreamInputTest.java",
          "src/main/cfg/cybexp.source.${props.getProperty('streamPluginName')}-live.cfg"]*.toString())
}
if (props.getProperty('listener') == 'false') {
    drop(["src/main/java/$pkg/${prefix}ListenPlugin.java", "src/main/java/$pkg/${prefix}ListenInput.java",
          "src/main/java/$pkg/LineConnection.java", "src/main/java/$pkg/LineReader.java",
          "src/test/java/$pkg/${prefix}ListenInputTest.java",
          "src/main/cfg/cybexp.source.${props.getProperty('listenPluginName')}-lines.cfg"]*.toString())
}
