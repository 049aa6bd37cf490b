package id.pantau.testengine;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.cluster.health.ClusterHealthStatus;
import org.opensearch.common.settings.Settings;
import org.opensearch.http.HttpServerTransport;

/**
 * Starts one real OpenSearch node (in this JVM) for Pantau's search-engine tests.
 *
 * <pre>
 *   java -cp ... id.pantau.testengine.Launcher --port 9250 --dir var/opensearch-test [--watch-stdin]
 * </pre>
 *
 * <ul>
 * <li>cluster {@code pantau-test}, single-node discovery, HTTP and transport bound to 127.0.0.1;</li>
 * <li>{@code --port 0} lets the OS pick a free HTTP port (the READY line tells which);</li>
 * <li>node home, data and logs under {@code <dir>/node_1};</li>
 * <li>no security plugin (plain HTTP, no auth); disk watermarks off; indices default to 1 shard
 * (OpenSearch's default) and 0 replicas ({@code cluster.default_number_of_replicas});</li>
 * <li>prints {@code READY http://127.0.0.1:PORT} once the cluster is yellow or green;</li>
 * <li>stops cleanly on SIGTERM/SIGINT and, with {@code --watch-stdin}, when stdin reaches EOF
 * (so the node dies with the test process that owns the pipe).</li>
 * </ul>
 * Port and dir can also come from {@code PANTAU_OPENSEARCH_PORT} / {@code PANTAU_OPENSEARCH_DIR}.
 */
public final class Launcher {

    /**
     * The process's real stdout. OpenSearch's logging setup re-routes System.out through log4j
     * (prefixing every line), so our protocol lines (READY/FAILED/STOPPED) go here instead.
     */
    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);

    private Launcher() {
    }

    public static void main(final String[] args) throws Exception {
        String portArg = envOr("PANTAU_OPENSEARCH_PORT", "9250");
        String dirArg = envOr("PANTAU_OPENSEARCH_DIR", "var/opensearch-test");
        String clusterName = "pantau-test";
        boolean watchStdin = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
            case "--port":
                portArg = args[++i];
                break;
            case "--dir":
                dirArg = args[++i];
                break;
            case "--cluster-name":
                clusterName = args[++i];
                break;
            case "--watch-stdin":
                watchStdin = true;
                break;
            default:
                System.err.println("usage: Launcher [--port P] [--dir D] [--cluster-name N] [--watch-stdin]");
                System.exit(2);
            }
        }
        final int port = Integer.parseInt(portArg);
        final Path base = Paths.get(dirArg).toAbsolutePath().normalize();
        Files.createDirectories(base);

        final OpenSearchRunner runner = new OpenSearchRunner();
        runner.setMaxHttpPort(-1); // do not scan localhost for "free" ports; we set http.port ourselves
        final AtomicBoolean closed = new AtomicBoolean(false);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Runnable shutdown = () -> {
            if (closed.compareAndSet(false, true)) {
                OUT.println("STOPPING");
                OUT.flush();
                try {
                    runner.close();
                } catch (final IOException | RuntimeException e) {
                    OUT.println("error while closing node: " + e);
                }
                OUT.println("STOPPED");
                OUT.flush();
            }
            stopped.countDown();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "pantau-opensearch-shutdown"));

        if (watchStdin) {
            final Thread watcher = new Thread(() -> {
                try {
                    final InputStream in = System.in;
                    final byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // ignore whatever the parent writes; only EOF matters
                    }
                } catch (final IOException e) {
                    // treat a broken stdin like EOF
                }
                OUT.println("stdin closed: shutting down");
                System.exit(0); // runs the shutdown hook
            }, "pantau-opensearch-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }

        final String host = "127.0.0.1";
        try {
            runner.onBuild((number, settings) -> {
                settings.put("discovery.type", "single-node");
                settings.put("network.host", host);
                settings.put("http.port", String.valueOf(port));
                settings.put("transport.port", "0");
                // The machine's disk filling up must not make shards unassignable in tests.
                settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
                settings.put("action.auto_create_index", true);
                // One node: indices created without settings get 0 replicas (green, not yellow).
                settings.put("cluster.default_number_of_replicas", 0);
                settings.put("node.processors", Math.min(2, Runtime.getRuntime().availableProcessors()));
                // small caches for a small heap
                settings.put("indices.fielddata.cache.size", "10%");
                settings.put("indices.queries.cache.size", "5%");
            }).build(newConfigs(base, clusterName));

            final ClusterHealthStatus status = runner.ensureYellow();
            final HttpServerTransport http = runner.node().injector().getInstance(HttpServerTransport.class);
            final InetSocketAddress bound = http.boundAddress().publishAddress().address();
            OUT.println("HEALTH " + status.name().toLowerCase());
            OUT.println("READY http://" + host + ":" + bound.getPort());
            OUT.flush();
        } catch (final Throwable t) {
            OUT.println("FAILED " + t);
            t.printStackTrace(OUT);
            OUT.flush();
            Runtime.getRuntime().halt(1);
        }

        // Also leave if the node gets closed from inside (e.g. fatal error).
        while (!closed.get()) {
            if (runner.isClosed() && !closed.get()) {
                OUT.println("node closed");
                System.exit(1);
            }
            if (stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                break;
            }
        }
    }

    private static OpenSearchRunner.Configs newConfigs(final Path base, final String clusterName) {
        return OpenSearchRunner.newConfigs()
                .basePath(base.toString())
                .numOfNode(1)
                .clusterName(clusterName)
                .printOnFailure();
    }

    private static String envOr(final String name, final String fallback) {
        final String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }
}
