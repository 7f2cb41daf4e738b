package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Tomcat, Spring Boot's default server, on the inherited socket. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory")
@ConditionalOnBean(type = "org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory")
class TomcatConfiguration {

    @Bean
    TomcatInheritedServer clusterflockTomcat(Worker worker, WarmupRequests warmups) {
        return new TomcatInheritedServer(worker, !warmups.isEmpty());
    }

    @Bean
    ServerDrain clusterflockDrain(Worker worker, TomcatInheritedServer server, WorkerReadiness readiness) {
        return new ServerDrain(worker, server, readiness);
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> clusterflockTomcatCustomizer(TomcatInheritedServer server) {
        return factory -> {
            factory.setProtocol(InheritedNioProtocol.class.getName());
            factory.addConnectorCustomizers(server::attach);
            factory.addEngineValves(server.valve());
            server.warmupConnector().ifPresent(factory::addAdditionalConnectors);
        };
    }
}
