package org.mask3d.notebook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Tiny jars for the class-path tests: one class compiled with javax.tools, on no class path of the test JVM. */
final class TestJars {
    private TestJars() {}

    /** {@code dir/<simple name>.jar} holding {@code className} compiled from {@code source}. */
    static Path jar(Path dir, String className, String source) throws IOException {
        Path src = dir.resolve("src").resolve(className.replace('.', '/') + ".java");
        Path classes = dir.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "--release", "17", src.toString());
        if (rc != 0) throw new IllegalStateException("javac failed on " + src);
        Path jar = dir.resolve(className.substring(className.lastIndexOf('.') + 1) + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    /**
     * Installs {@code jar} as {@code group:artifact:version} (jar and a POM without dependencies) into the local
     * repository {@code repo}, in Maven's layout.
     */
    static void install(Path repo, String group, String artifact, String version, Path jar) throws IOException {
        Path d = repo.resolve(group.replace('.', '/')).resolve(artifact).resolve(version);
        Files.createDirectories(d);
        Files.copy(jar, d.resolve(artifact + "-" + version + ".jar"));
        Files.writeString(d.resolve(artifact + "-" + version + ".pom"), String.join("\n", List.of(
                "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">",
                "  <modelVersion>4.0.0</modelVersion>",
                "  <groupId>" + group + "</groupId>",
                "  <artifactId>" + artifact + "</artifactId>",
                "  <version>" + version + "</version>",
                "</project>", "")));
    }

}
