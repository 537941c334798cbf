// tests/e2e/JdbcCheck.java: pgjdbc (Debian's libpostgresql-jdbc-java) through a PreparedStatement,
// for test_clients.py, which runs it against PostgreSQL and against the proxy and compares the
// output byte for byte. Single-file source launch (Java 17):
//   java -cp /usr/share/java/postgresql.jar tests/e2e/JdbcCheck.java HOST PORT DB USER PASSWORD \
//        REPEAT SQL [PARAM...]
// PARAM is type:value (long:1, int:2, string:x, numeric:1.50, bool:true, date:2024-02-29).
// The statement runs REPEAT times on one PreparedStatement: past prepareThreshold (5) pgjdbc
// switches to a named server statement and asks for binary results, so both formats are read.
// Prints, per run, the column labels then one line per row with every value as getObject()
// sees it (tagged with its Java class) and as getString() sees it. A failure prints
// "error SQLSTATE" and exits 0: the caller compares that line too.
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Properties;

public class JdbcCheck {
    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2];
        Properties props = new Properties();
        props.setProperty("user", args[3]);
        props.setProperty("password", args[4]);
        props.setProperty("sslmode", "disable");
        int repeat = Integer.parseInt(args[5]);
        String sql = args[6];
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url, props);
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 7; i < args.length; i++)
                bind(ps, i - 6, args[i]);
            for (int run = 1; run <= repeat; run++) {
                out.append("run ").append(run).append('\n');
                if (!ps.execute()) {
                    out.append("update count ").append(ps.getUpdateCount()).append('\n');
                    continue;
                }
                try (ResultSet rs = ps.getResultSet()) {
                    print(rs, out);
                }
            }
        } catch (SQLException e) {
            out.append("error ").append(e.getSQLState()).append('\n');
        }
        System.out.print(out);
    }

    static void bind(PreparedStatement ps, int i, String p) throws SQLException {
        int colon = p.indexOf(':');
        String type = p.substring(0, colon), v = p.substring(colon + 1);
        switch (type) {
        case "long": ps.setLong(i, Long.parseLong(v)); break;
        case "int": ps.setInt(i, Integer.parseInt(v)); break;
        case "string": ps.setString(i, v); break;
        case "numeric": ps.setBigDecimal(i, new BigDecimal(v)); break;
        case "bool": ps.setBoolean(i, Boolean.parseBoolean(v)); break;
        case "date": ps.setObject(i, LocalDate.parse(v)); break;
        default: throw new IllegalArgumentException("parameter type " + type);
        }
    }

    static void print(ResultSet rs, StringBuilder out) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        out.append("columns");
        for (int i = 1; i <= n; i++)
            out.append(' ').append(md.getColumnLabel(i));
        out.append('\n');
        while (rs.next()) {
            for (int i = 1; i <= n; i++) {
                String typeName = md.getColumnTypeName(i);
                out.append(i == 1 ? "" : " | ").append(object(rs, i, typeName));
                // getString() of a binary bytea is byte[].toString(), an address
                if (!typeName.equals("bytea"))
                    out.append(" / ").append(quote(rs.getString(i)));
            }
            out.append('\n');
        }
    }

    // getObject() with the java.time view of date and time columns as well.
    static String object(ResultSet rs, int i, String typeName) throws SQLException {
        Object o = rs.getObject(i);
        if (o == null)
            return "null";
        String s = o.getClass().getSimpleName() + ":" + value(o);
        if (typeName.equals("timestamptz"))
            s += " " + rs.getObject(i, OffsetDateTime.class);
        else if (typeName.equals("timestamp"))
            s += " " + rs.getObject(i, LocalDateTime.class);
        else if (typeName.equals("date"))
            s += " " + rs.getObject(i, LocalDate.class);
        return s;
    }

    static String value(Object o) {
        if (o instanceof byte[]) {
            StringBuilder b = new StringBuilder();
            for (byte x : (byte[]) o)
                b.append(String.format("%02x", x));
            return b.toString();
        }
        if (o instanceof String)
            return quote((String) o);
        return o.toString();
    }

    static String quote(String s) {
        if (s == null)
            return "NULL";
        return "'" + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("'", "\\'") + "'";
    }
}
