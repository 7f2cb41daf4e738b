package example;

import io.clusterflock.jetty.Clusterflock;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/** A servlet application as a cluster: the Jetty handler is a servlet context, the rest is unchanged. */
public final class ServletApp {

    public static void main(String[] args) {
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(GreetingServlet.class, "/greet/*");
        Clusterflock.serve(context, options -> options.workers(2));
    }

    public static final class GreetingServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String name = request.getPathInfo() == null ? "world" : request.getPathInfo().substring(1);
            response.setContentType("text/plain; charset=utf-8");
            response.getWriter().println("hello " + name + " from servlet worker " + System.getenv("WORKER_ID"));
        }
    }
}
