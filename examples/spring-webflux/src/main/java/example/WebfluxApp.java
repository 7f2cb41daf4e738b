package example;

import io.clusterflock.spring.ClusterflockWarmup;
import io.clusterflock.spring.ClusterflockWorker;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * A plain Spring WebFlux application on Reactor Netty. With clusterflock-spring-boot on its class
 * path it is a worker under {@code clusterflock run -- java -jar spring-webflux.jar}; run alone it
 * serves on port 8080.
 */
@SpringBootApplication
@RestController
public class WebfluxApp {
    private final String who;

    public WebfluxApp(ObjectProvider<ClusterflockWorker> worker) {
        this.who = worker.getIfAvailable() == null ? "alone" : "worker " + worker.getObject().id();
    }

    public static void main(String[] args) {
        SpringApplication.run(WebfluxApp.class, args);
    }

    @GetMapping("/")
    public Mono<String> hello() {
        return Mono.just("hello from webflux " + who + " (pid " + ProcessHandle.current().pid() + ")\n");
    }

    /** An in-flight request that takes its time, without holding an event loop: what a drain must let finish. */
    @GetMapping("/sleep")
    public Mono<String> sleep(@RequestParam(name = "ms", defaultValue = "1000") long ms) {
        System.out.println("example: sleeping " + ms + " ms in " + who);
        return Mono.delay(Duration.ofMillis(ms)).map(tick -> "slept " + ms + " ms in " + who + "\n");
    }

    /** The application's own warming, before the worker takes its first connection. */
    @Bean
    ClusterflockWarmup greetingWarmup() {
        return () -> System.out.println("example: warming up in " + who);
    }

    /**
     * Startup work after the server runs (a cache to load, say), for as long as
     * {@code example.startup-ms} says: the worker is ready only after it.
     */
    @Bean
    ApplicationRunner startupWork(org.springframework.core.env.Environment environment) {
        return args -> {
            Thread.sleep(environment.getProperty("example.startup-ms", Long.class, 0L));
            System.out.println("example: started in " + who);
        };
    }
}
