// tests/e2e/TlsCheck.java: pgjdbc (Debian's libpostgresql-jdbc-java) over TLS with
// sslmode=verify-full against a given CA, for test_safe.py. Single-file source launch:
//   java -cp /usr/share/java/postgresql.jar tests/e2e/TlsCheck.java HOST PORT DB USER PASSWORD CA
// Prints "ok 1" when SELECT 1 answers over a verified connection, else "error SQLSTATE message".
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

public class TlsCheck {
    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2];
        Properties props = new Properties();
        props.setProperty("user", args[3]);
        props.setProperty("password", args[4]);
        props.setProperty("ssl", "true");
        props.setProperty("sslmode", "verify-full");
        props.setProperty("sslrootcert", args[5]);
        try (Connection c = DriverManager.getConnection(url, props);
             ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
            rs.next();
            System.out.println("ok " + rs.getInt(1));
        } catch (SQLException e) {
            // the causes say which step failed: a bare 08001 hides whether TLS, the socket or
            // authentication gave way
            StringBuilder why = new StringBuilder();
            for (Throwable t = e.getCause(); t != null; t = t.getCause())
                why.append(" <- ").append(t);
            System.out.println("error " + e.getSQLState() + " " + e.getMessage() + why);
        }
    }
}
