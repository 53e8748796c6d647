package org.mask3d.notebook;

import java.io.File;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.maven.model.Model;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * {@code %maven} and {@code %%loadFromPOM}: resolves artifacts and their runtime dependencies with Maven Resolver
 * from the local repository ({@link #defaultLocalRepository()}: {@code -Dmaven.repo.local}, settings.xml's
 * {@code <localRepository>}, {@code $HOME/.m2/repository}) and Maven Central (plus the repositories a POM names).
 * Offline, anything not already in the local repository fails with a message that says so. Of
 * {@code ~/.m2/settings.xml} only {@code <localRepository>} is read (not mirrors or proxies).
 */
public final class MavenResolver {
    public static final String CENTRAL = "https://repo.maven.apache.org/maven2/";
    private final RepositorySystem system;
    private final Path localRepo;

    /** A resolver on {@link #defaultLocalRepository()}. */
    public MavenResolver() {
        this(defaultLocalRepository());
    }

    /**
     * The local repository Maven itself would use, read now: {@code -Dmaven.repo.local} (a system property, which a
     * cell may also set), else {@code <localRepository>} of {@code $HOME/.m2/settings.xml}, else
     * {@code $HOME/.m2/repository}. {@code $HOME} is the environment's (as the {@code mvn} script has it), not the
     * password file's home that {@code user.home} holds.
     */
    public static Path defaultLocalRepository() {
        return localRepository(System.getProperty("maven.repo.local"), System.getenv("HOME"), System.getProperty("user.home"));
    }

    static Path localRepository(String repoLocal, String envHome, String userHome) {
        if (repoLocal != null && !repoLocal.isBlank()) return Path.of(repoLocal);
        Path home = Path.of(envHome != null && !envHome.isBlank() ? envHome : userHome);
        Path settings = home.resolve(".m2").resolve("settings.xml");
        if (java.nio.file.Files.isRegularFile(settings)) {
            try {
                String xml = java.nio.file.Files.readString(settings);
                Matcher m = Pattern.compile("<localRepository>\\s*([^<]*?)\\s*</localRepository>").matcher(
                        xml.replaceAll("(?s)<!--.*?-->", ""));
                if (m.find() && !m.group(1).isEmpty()) {
                    String v = m.group(1).replace("${user.home}", home.toString()).replace("${env.HOME}", home.toString());
                    Path p = Path.of(v);
                    return p.isAbsolute() ? p : home.resolve(p);
                }
            } catch (java.io.IOException | RuntimeException e) {
                // an unreadable settings file: Maven's default below
            }
        }
        return home.resolve(".m2").resolve("repository");
    }

    public MavenResolver(Path localRepo) {
        this.system = new RepositorySystemSupplier().get();
        this.localRepo = localRepo;
    }

    public Path localRepository() { return localRepo; }

    /** Jars of {@code coordinates} ({@code group:artifact[:extension[:classifier]]:version}) and their runtime dependencies. */
    public List<File> resolve(List<String> coordinates) throws ResolutionFailure {
        List<Dependency> deps = new ArrayList<>();
        for (String c : coordinates) {
            try {
                deps.add(new Dependency(new DefaultArtifact(c), JavaScopes.RUNTIME));
            } catch (IllegalArgumentException e) {
                throw new ResolutionFailure("'" + c + "' is not a Maven coordinate (group:artifact:version, or"
                        + " group:artifact:extension:classifier:version)");
            }
        }
        return resolve(deps, List.of(), String.join(", ", coordinates));
    }

    /**
     * The dependencies (and repositories) of a POM, or of a fragment of one ({@code <dependencies>},
     * {@code <repositories>}, {@code <properties>} without the {@code <project>} around them). {@code ${name}}
     * is replaced by the POM's own properties.
     */
    public List<File> resolvePom(String pom) throws ResolutionFailure {
        String xml = pom.strip();
        if (!xml.contains("<project")) {
            xml = "<project><modelVersion>4.0.0</modelVersion><groupId>notebook</groupId><artifactId>cell</artifactId>"
                    + "<version>0</version>" + xml + "</project>";
        }
        Model model;
        try {
            model = new MavenXpp3Reader().read(new StringReader(xml), false);
        } catch (Exception e) {
            throw new ResolutionFailure("the POM does not parse: " + e.getMessage());
        }
        Map<Object, Object> props = model.getProperties();
        List<Dependency> deps = new ArrayList<>();
        for (org.apache.maven.model.Dependency d : model.getDependencies()) {
            String scope = d.getScope() == null ? JavaScopes.COMPILE : interpolate(d.getScope(), props);
            if (scope.equals(JavaScopes.TEST) || scope.equals(JavaScopes.PROVIDED) || scope.equals(JavaScopes.SYSTEM)) continue;
            List<Exclusion> ex = new ArrayList<>();
            for (org.apache.maven.model.Exclusion e : d.getExclusions()) {
                ex.add(new Exclusion(e.getGroupId(), e.getArtifactId(), "*", "*"));
            }
            if (d.getVersion() == null) throw new ResolutionFailure(d.getGroupId() + ":" + d.getArtifactId() + " has no version");
            Artifact a = new DefaultArtifact(interpolate(d.getGroupId(), props), interpolate(d.getArtifactId(), props),
                    d.getClassifier() == null ? "" : interpolate(d.getClassifier(), props),
                    d.getType() == null ? "jar" : interpolate(d.getType(), props), interpolate(d.getVersion(), props));
            deps.add(new Dependency(a, scope, false, ex));
        }
        List<RemoteRepository> repos = new ArrayList<>();
        for (org.apache.maven.model.Repository r : model.getRepositories()) {
            repos.add(new RemoteRepository.Builder(r.getId(), "default", interpolate(r.getUrl(), props)).build());
        }
        if (deps.isEmpty()) return List.of();
        return resolve(deps, repos, deps.size() + " dependencies of the POM");
    }

    static String interpolate(String s, Map<Object, Object> props) {
        if (s == null) return null;
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            Object v = props.get(m.group(1));
            m.appendReplacement(b, Matcher.quoteReplacement(v == null ? m.group() : v.toString()));
        }
        m.appendTail(b);
        return b.toString();
    }

    private List<File> resolve(List<Dependency> deps, List<RemoteRepository> extra, String what) throws ResolutionFailure {
        DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
        session.setLocalRepositoryManager(system.newLocalRepositoryManager(session, new LocalRepository(localRepo.toFile())));
        List<RemoteRepository> repos = new ArrayList<>(extra);
        repos.add(new RemoteRepository.Builder("central", "default", CENTRAL).build());
        CollectRequest collect = new CollectRequest();
        collect.setDependencies(deps);
        collect.setRepositories(repos);
        DependencyRequest request = new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
        try {
            List<File> files = new ArrayList<>();
            for (ArtifactResult r : system.resolveDependencies(session, request).getArtifactResults()) {
                if (r.getArtifact() != null && r.getArtifact().getFile() != null) files.add(r.getArtifact().getFile());
            }
            return files;
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            boolean offline = root instanceof java.net.UnknownHostException || root instanceof java.net.ConnectException
                    || root instanceof java.net.NoRouteToHostException || root instanceof java.net.SocketTimeoutException
                    || String.valueOf(root.getMessage()).contains("Network is unreachable");
            String why = offline
                    ? "not in the local repository " + localRepo + " and Maven Central is not reachable (offline?)"
                    : "not found in the local repository " + localRepo + " or on " + repoNames(repos);
            throw new ResolutionFailure("cannot resolve " + what + ": " + why + "; " + firstLine(e.getMessage())
                    + (root != e ? " (" + root.getClass().getSimpleName() + ": " + firstLine(root.getMessage()) + ")" : ""));
        }
    }

    private static String repoNames(List<RemoteRepository> repos) {
        List<String> urls = new ArrayList<>();
        for (RemoteRepository r : repos) urls.add(r.getUrl());
        return String.join(", ", urls);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A resolution that failed, with a message fit for the notebook. */
    public static final class ResolutionFailure extends Exception {
        public ResolutionFailure(String message) { super(message); }
    }
}
