package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Jetty (spring-boot-starter-jetty) on the inherited socket, with clusterflock-jetty's connector;
 * only when the application runs Jetty, so that a Tomcat application never loads a Jetty class.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = { "org.springframework.boot.jetty.servlet.JettyServletWebServerFactory",
        "io.clusterflock.jetty.inherited.InheritedConnector" })
@ConditionalOnBean(type = "org.springframework.boot.jetty.servlet.JettyServletWebServerFactory")
class JettyConfiguration {

    @Bean
    JettyInheritedServer clusterflockJetty(Worker worker, WarmupRequests warmups) {
        return new JettyInheritedServer(worker, !warmups.isEmpty());
    }

    @Bean
    ServerDrain clusterflockDrain(Worker worker, JettyInheritedServer server, WorkerReadiness readiness) {
        return new ServerDrain(worker, server, readiness);
    }

    @Bean
    WebServerFactoryCustomizer<JettyServletWebServerFactory> clusterflockJettyCustomizer(JettyInheritedServer server) {
        return factory -> factory.addServerCustomizers(server::install);
    }
}
