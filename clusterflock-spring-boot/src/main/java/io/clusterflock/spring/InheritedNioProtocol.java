package io.clusterflock.spring;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's HTTP/1.1 protocol on the worker's inherited socket ({@link InheritedEndpoint}). Public
 * only because Tomcat creates the protocol of a connector from its class name; not API.
 */
public final class InheritedNioProtocol extends Http11NioProtocol {
    private final InheritedEndpoint endpoint;

    public InheritedNioProtocol() {
        this(new InheritedEndpoint());
    }

    private InheritedNioProtocol(InheritedEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    InheritedEndpoint inheritedEndpoint() {
        return endpoint;
    }

    @Override
    protected String getNamePrefix() {
        return "http-inherited";
    }
}
