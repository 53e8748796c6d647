package org.mask3d.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MavenResolverTest {
    @Test
    void badCoordinateIsAClearError() {
        MavenResolver.ResolutionFailure e = assertThrows(MavenResolver.ResolutionFailure.class,
                () -> new MavenResolver().resolve(List.of("not-a-coordinate")));
        assertTrue(e.getMessage().contains("is not a Maven coordinate"), e.getMessage());
    }

    @Test
    void pomPropertiesInterpolate() {
        assertEquals("1.2-x", MavenResolver.interpolate("${v}-x", Map.of("v", "1.2")));
        assertEquals("${missing}", MavenResolver.interpolate("${missing}", Map.of()));
    }

    @Test
    void unreachableRepositoryNamesTheLocalRepository(@TempDir Path empty) {
        // an empty local repository and a POM repository on a closed port: the message says where it looked
        String pom = "<repositories><repository><id>none</id><url>http://127.0.0.1:9/</url></repository></repositories>"
                + "<dependencies><dependency><groupId>org.mask3d.none</groupId><artifactId>none</artifactId>"
                + "<version>1</version></dependency></dependencies>";
        MavenResolver.ResolutionFailure e = assertThrows(MavenResolver.ResolutionFailure.class,
                () -> new MavenResolver(empty).resolvePom(pom));
        assertTrue(e.getMessage().startsWith("cannot resolve 1 dependencies of the POM"), e.getMessage());
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
    }

    @Test
    void localRepositoryAsMavenChoosesIt(@TempDir Path home) throws Exception {
        assertEquals(Path.of("/r"), MavenResolver.localRepository("/r", home.toString(), "/elsewhere"));
        assertEquals(home.resolve(".m2/repository"), MavenResolver.localRepository(null, home.toString(), "/elsewhere"));
        assertEquals(Path.of("/pw/.m2/repository"), MavenResolver.localRepository(null, null, "/pw"));
        Files.createDirectories(home.resolve(".m2"));
        Files.writeString(home.resolve(".m2/settings.xml"), "<settings><!-- <localRepository>/no</localRepository> -->\n"
                + "  <localRepository> ${user.home}/repo </localRepository></settings>");
        assertEquals(home.resolve("repo"), MavenResolver.localRepository(null, home.toString(), "/elsewhere"));
        assertEquals(Path.of("/r"), MavenResolver.localRepository("/r", home.toString(), "/elsewhere"));   // -D wins
    }

    @Test
    void resolvesAnArtifactOfTheLocalRepository(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        TestJars.install(repo, "org.mask3d.testonly", "hello", "1.0",
                TestJars.jar(dir, "hello.Hello", "package hello; public class Hello {}"));
        List<File> files = new MavenResolver(repo).resolve(List.of("org.mask3d.testonly:hello:1.0"));
        assertEquals(List.of(repo.resolve("org/mask3d/testonly/hello/1.0/hello-1.0.jar").toFile()), files);
    }
}
