package example;

import io.clusterflock.spring.ClusterflockWarmup;
import io.clusterflock.spring.ClusterflockWorker;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A plain Spring MVC application. With clusterflock-spring-boot on its class path it is a worker
 * under {@code clusterflock run -- java -jar spring-boot.jar}; run alone it serves on port 8080.
 */
@SpringBootApplication
@RestController
public class SpringApp {
    private final String who;

    public SpringApp(ObjectProvider<ClusterflockWorker> worker) {
        this.who = worker.getIfAvailable() == null ? "alone" : "worker " + worker.getObject().id();
    }

    public static void main(String[] args) {
        SpringApplication.run(SpringApp.class, args);
    }

    @GetMapping("/")
    public String hello() {
        return "hello from spring " + who + " (pid " + ProcessHandle.current().pid() + ")\n";
    }

    /** An in-flight request that takes its time: what a drain must let finish. */
    @GetMapping("/sleep")
    public String sleep(@RequestParam(name = "ms", defaultValue = "1000") long ms) throws InterruptedException {
        System.out.println("example: sleeping " + ms + " ms in " + who);
        Thread.sleep(ms);
        return "slept " + ms + " ms in " + who + "\n";
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
