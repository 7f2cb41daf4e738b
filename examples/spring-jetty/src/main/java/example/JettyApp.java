package example;

import io.clusterflock.spring.ClusterflockWorker;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A plain Spring MVC application on Jetty (spring-boot-starter-jetty in place of Tomcat): with
 * clusterflock-spring-boot on its class path it is a worker under
 * {@code clusterflock run -- java -jar spring-jetty.jar}.
 */
@SpringBootApplication
@RestController
public class JettyApp {
    private final String who;

    public JettyApp(ObjectProvider<ClusterflockWorker> worker) {
        this.who = worker.getIfAvailable() == null ? "alone" : "worker " + worker.getObject().id();
    }

    public static void main(String[] args) {
        SpringApplication.run(JettyApp.class, args);
    }

    @GetMapping("/")
    public String hello() {
        return "hello from jetty " + who + " (pid " + ProcessHandle.current().pid() + ")\n";
    }
}
