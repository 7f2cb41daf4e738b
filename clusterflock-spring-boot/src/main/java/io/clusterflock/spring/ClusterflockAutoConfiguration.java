package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * A Spring Boot application as a clusterflock worker: adding the dependency is all it takes. In a
 * process a master started, the embedded server (Tomcat, Jetty, or Reactor Netty for WebFlux)
 * serves on the inherited socket, accepting only once the worker is warm, the worker tells the
 * master it is ready once the application is ({@link WorkerReadiness}), beats through the
 * request threads with its request count, and drains before Spring's graceful shutdown ({@link ServerDrain}). The worker
 * itself is a bean, {@link ClusterflockWorker}. Outside clusterflock none of it exists.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration",
        "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration",
        "org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration" })
@Conditional(OnWorkerCondition.class)
@Import({ TomcatConfiguration.class, JettyConfiguration.class, NettyConfiguration.class })
public class ClusterflockAutoConfiguration {

    @Bean
    Worker clusterflockWorkerLibrary() {
        return Worker.current().orElseThrow(() -> new IllegalStateException(
                "CLUSTERFLOCK_WORKER_ID is set but this process is no clusterflock worker"));
    }

    @Bean
    ClusterflockWorker clusterflockWorker(Worker worker) {
        return ClusterflockWorker.of(worker);
    }

    @Bean
    WarmupRequests clusterflockWarmupRequests(Environment environment, Worker worker) {
        return WarmupRequests.of(environment, worker.warmups());
    }

    @Bean
    WorkerReadiness clusterflockReadiness(Worker worker, ObjectProvider<InheritedServer> server,
                                          ObjectProvider<ClusterflockWarmup> hooks, WarmupRequests warmups) {
        return new WorkerReadiness(worker, Optional.ofNullable(server.getIfAvailable()), hooks.orderedStream().toList(), warmups);
    }
}
