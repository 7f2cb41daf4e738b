package io.clusterflock.spring;

import io.clusterflock.worker.Worker;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandler;
import reactor.netty.http.HttpResources;

/**
 * Reactor Netty (spring-boot-starter-webflux) on the inherited socket; only when the application
 * runs it, so that a Tomcat or Jetty application never loads a Netty class.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory")
@ConditionalOnBean(type = "org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory")
class NettyConfiguration {

    @Bean
    NettyInheritedServer clusterflockNetty(Worker worker, WarmupRequests warmups, ObjectProvider<HttpHandler> application) {
        return new NettyInheritedServer(worker, !warmups.isEmpty(), application);
    }

    @Bean
    ServerDrain clusterflockDrain(Worker worker, NettyInheritedServer server, WorkerReadiness readiness) {
        return new ServerDrain(worker, server, readiness);
    }

    /**
     * Last of the customizers, so that the server it changes is Spring's finished one. Spring
     * would put the server back on its resources' loops after the customizers (native ones, and a
     * channel of their own): the factory loses its resources, and the server runs on their NIO loops.
     */
    @Bean
    WebServerFactoryCustomizer<NettyReactiveWebServerFactory> clusterflockNettyCustomizer(
            NettyInheritedServer server, ObjectProvider<ReactorResourceFactory> resources) {
        return new Customizer(server, resources.getIfAvailable());
    }

    private record Customizer(NettyInheritedServer server, ReactorResourceFactory resources)
            implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

        @Override
        public void customize(NettyReactiveWebServerFactory factory) {
            factory.setResourceFactory(null);
            factory.addServerCustomizers(http -> server.customize(http,
                    () -> resources == null ? HttpResources.get() : resources.getLoopResources()));
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
