package example;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * An embedded Tomcat that knows nothing of clusterflock: run it as
 * {@code clusterflock run -w 2 -- java -jar tomcat.jar}. The one line that matters is
 * {@code useInheritedChannel}: the NIO connector then accepts from fd 0, the master's socket, and
 * ignores its port. Tomcat never closes the inherited channel, so its logs survive shutdown.
 */
public final class TomcatApp {

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(System.getProperty("java.io.tmpdir") + "/tomcat-example-" + ProcessHandle.current().pid());
        Connector connector = new Connector("HTTP/1.1");
        connector.setProperty("useInheritedChannel", "true");
        connector.setPort(0);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "hello", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain; charset=utf-8");
                response.getWriter().println("hello from tomcat worker " + System.getenv("WORKER_ID")
                        + " (pid " + ProcessHandle.current().pid() + ")");
            }
        });
        context.addServletMappingDecoded("/*", "hello");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                tomcat.stop(); // drains in-flight requests on SIGTERM
                tomcat.destroy();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        tomcat.start();
        tomcat.getServer().await();
    }
}
