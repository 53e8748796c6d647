package org.mask3d.cli;

import org.mask3d.render.ViewerFolder;
import org.mask3d.viz.ViewerPage;
import org.mask3d.viz.ViewerServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "view", mixinStandardHelpOptions = true,
        description = {"Serve a viewer folder (./mask3d export-viewer, or the demo's viewer/) over HTTP and print its URL; "
                + "runs until interrupted (Ctrl-C). Serves only the files under DIR, on 127.0.0.1 unless --host says otherwise."},
        footer = {"", "Examples:", "  ./mask3d view runs/demo/viewer", "  ./mask3d view runs/viewer-018 --port 8080"})
final class ViewCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The exported folder.") Path dir;
    @Option(names = "--port", defaultValue = "8765", description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).") int port;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only).") String host;

    @Override public Integer call() throws InterruptedException {
        ViewerFolder f = ViewerFolder.read(dir);   // a viewer folder, or one InputException line saying why not
        if (!Files.isRegularFile(dir.resolve(ViewerPage.PAGE))) ViewerPage.write(dir);
        ViewerServer s = ViewerServer.start(dir, host, port);
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        System.out.printf("serving %s (%d frames, %d planes, %dx%d) at %s%n", dir, f.manifest().frames().size(), f.manifest().planes(),
                f.manifest().width(), f.manifest().height(), s.url());
        System.out.println("open that URL in a browser; Ctrl-C stops the server");
        System.out.flush();
        new CountDownLatch(1).await();
        return 0;
    }
}
