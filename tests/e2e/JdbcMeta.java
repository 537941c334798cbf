// tests/e2e/JdbcMeta.java: pgjdbc (Debian's libpostgresql-jdbc-java) metadata and prepared
// statements, for test_client_compare.py, which runs it against PostgreSQL and against the proxy
// and compares the printout section by section. Single-file source launch (Java 17):
//   java -Duser.timezone=UTC -cp /usr/share/java/postgresql.jar tests/e2e/JdbcMeta.java \
//        HOST PORT DB USER PASSWORD
// Sections ("== name" lines): DatabaseMetaData getSchemas, getTables, getColumns,
// getPrimaryKeys, getIndexInfo, getImportedKeys, getTypeInfo (every column of each result set,
// in order); then two PreparedStatements run 10 times each (past prepareThreshold 5, so pgjdbc
// switches to a named server statement with binary results) with int, long, BigDecimal,
// Timestamp, String, Boolean, UUID and int[] parameters, each run's rows printed with every
// value's getObject() class and text; then ResultSetMetaData of each column. A failure in a
// section prints "error SQLSTATE message" and the next section runs.
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Properties;
import java.util.UUID;

public class JdbcMeta {
    static StringBuilder out = new StringBuilder();

    interface Section {
        void run() throws SQLException;
    }

    static void section(String name, Section s) {
        out.append("== ").append(name).append('\n');
        try {
            s.run();
        } catch (SQLException e) {
            out.append("error ").append(e.getSQLState()).append(' ').append(firstLine(e.getMessage())).append('\n');
        } catch (RuntimeException e) {
            out.append("exception ").append(e.getClass().getName()).append(' ').append(firstLine(e.getMessage())).append('\n');
        }
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2];
        Properties props = new Properties();
        props.setProperty("user", args[3]);
        props.setProperty("password", args[4]);
        props.setProperty("sslmode", "disable");
        try (Connection c = DriverManager.getConnection(url, props)) {
            DatabaseMetaData md = c.getMetaData();
            section("getDatabaseProductName, getDatabaseMajorVersion, getIdentifierQuoteString", () -> {
                out.append(md.getDatabaseProductName()).append(' ').append(md.getDatabaseMajorVersion())
                   .append(' ').append(md.getIdentifierQuoteString()).append(' ').append(md.getUserName())
                   .append(' ').append(md.getSearchStringEscape()).append(' ').append(c.getCatalog())
                   .append(' ').append(c.getSchema()).append('\n');
            });
            section("getCatalogs", () -> print(md.getCatalogs()));
            section("getSchemas", () -> print(md.getSchemas()));
            section("getSchemas(null, \"s%\")", () -> print(md.getSchemas(null, "s%")));
            section("getTableTypes", () -> print(md.getTableTypes()));
            section("getTables(null, \"public\", \"%\", null)", () -> print(md.getTables(null, "public", "%", null)));
            section("getTables(null, null, \"%\", TABLE)", () -> print(md.getTables(null, null, "%", new String[] {"TABLE"})));
            section("getTables(null, \"sales\", \"reg%\", TABLE,VIEW)", () -> print(md.getTables(null, "sales", "reg%", new String[] {"TABLE", "VIEW"})));
            section("getColumns(null, \"public\", \"%\", \"%\")", () -> print(md.getColumns(null, "public", "%", "%")));
            section("getColumns(null, \"sales\", \"targets\", null)", () -> print(md.getColumns(null, "sales", "targets", null)));
            section("getColumns(null, null, \"Mixed Case\", \"N%\")", () -> print(md.getColumns(null, null, "Mixed Case", "N%")));
            for (String t : new String[] {"customers", "orders", "items", "products", "notes", "alltypes", "Mixed Case", "docs", "events"}) {
                section("getPrimaryKeys " + t, () -> print(md.getPrimaryKeys(null, "public", t)));
                section("getIndexInfo " + t, () -> print(md.getIndexInfo(null, "public", t, false, false)));
            }
            section("getIndexInfo customers unique", () -> print(md.getIndexInfo(null, "public", "customers", true, true)));
            section("getPrimaryKeys sales.targets", () -> print(md.getPrimaryKeys(null, "sales", "targets")));
            section("getImportedKeys items", () -> print(md.getImportedKeys(null, "public", "items")));
            section("getExportedKeys customers", () -> print(md.getExportedKeys(null, "public", "customers")));
            section("getImportedKeys sales.regions", () -> print(md.getImportedKeys(null, "sales", "regions")));
            section("getTypeInfo", () -> print(md.getTypeInfo()));
            section("getUDTs", () -> print(md.getUDTs(null, "public", "%", null)));
            section("getFunctions lower", () -> print(md.getFunctions(null, "pg_catalog", "lower")));

            String q1 = "SELECT o.id, o.total, o.ordered_at, o.status, c.name, c.vip, o.discount, o.shipping "
                    + "FROM orders o JOIN customers c ON c.id = o.customer_id "
                    + "WHERE o.id > ? AND o.customer_id < ? AND o.total >= ? AND o.ordered_at >= ? "
                    + "AND c.name LIKE ? AND c.vip = ? ORDER BY o.id LIMIT 15";
            section("PreparedStatement int, long, BigDecimal, Timestamp, String, Boolean x10", () -> {
                try (PreparedStatement ps = c.prepareStatement(q1)) {
                    ps.setInt(1, 100);
                    ps.setLong(2, 1500L);
                    ps.setBigDecimal(3, new BigDecimal("250.50"));
                    ps.setTimestamp(4, Timestamp.valueOf("2023-03-01 00:00:00"));
                    ps.setString(5, "customer\\_1%");
                    ps.setBoolean(6, false);
                    runTimes(ps, 10);
                }
            });
            String q2 = "SELECT id, u, ai, at, an, i2, i8, num, num102, num405, f4, f8, t, vc, ch, b, ba, d, tm, ttz, ts, tstz, iv, "
                    + "j, jb, m, dom, ip, mn, bt FROM alltypes WHERE u <> ? AND (ai IS NULL OR NOT ai && ?) ORDER BY id";
            section("PreparedStatement UUID, int[] x10 (every type)", () -> {
                try (PreparedStatement ps = c.prepareStatement(q2)) {
                    ps.setObject(1, UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
                    Array arr = c.createArrayOf("int4", new Integer[] {3, 42});
                    ps.setArray(2, arr);
                    runTimes(ps, 10);
                }
            });
            section("ResultSetMetaData orders join", () -> {
                try (PreparedStatement ps = c.prepareStatement(q1.replace("?", "NULL"))) {
                    rsmd(ps.getMetaData());
                }
            });
            section("ResultSetMetaData alltypes", () -> rsmdOf(c, "SELECT * FROM alltypes WHERE id = 1"));
            section("ResultSetMetaData expressions", () -> rsmdOf(c,
                        "SELECT count(*), sum(total), avg(total), max(ordered_at), 1.5::numeric(4,2), 'x'::varchar(7), "
                        + "'y'::char(3), now()::date, ARRAY[1,2], c.name AS n FROM orders o JOIN customers c ON c.id = o.customer_id "
                        + "GROUP BY c.name ORDER BY c.name LIMIT 1"));
            // PostgreSQL types a function's, an aggregate's or a window function's result without
            // the argument's typmod (max(numeric(10,2)) is numeric), and current_timestamp(2)
            // with its own
            section("ResultSetMetaData typmods", () -> {
                rsmdOf(c, "SELECT max(num102), min(vc), min(ch), max(ts::timestamp(0)), array_agg(vc), "
                        + "percentile_disc(0.5) WITHIN GROUP (ORDER BY num102), "
                        + "(SELECT max(num102) FROM alltypes), coalesce(max(num102), 0), current_timestamp(2), "
                        + "localtime(1), localtimestamp(0) FROM alltypes");
                rsmdOf(c, "SELECT num102, lag(num102) OVER w, first_value(vc) OVER w, nullif(num102, 1), "
                        + "greatest(num102, num102), unnest(ARRAY[num102]), ARRAY[vc], (ARRAY[num102])[1], "
                        + "CASE WHEN id > 1 THEN num102 ELSE num102 END FROM alltypes WINDOW w AS (ORDER BY id)");
            });
        } catch (SQLException e) {
            out.append("connect error ").append(e.getSQLState()).append(' ').append(firstLine(e.getMessage())).append('\n');
        }
        System.out.print(out);
    }

    static void runTimes(PreparedStatement ps, int n) throws SQLException {
        for (int run = 1; run <= n; run++) {
            out.append("run ").append(run).append('\n');
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                int cols = md.getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= cols; i++) {
                        out.append(i == 1 ? "" : " | ");
                        Object o;
                        try {
                            o = rs.getObject(i);
                            if (o instanceof Array) o = new Object[] {((Array) o).getArray()};
                        } catch (SQLException e) {
                            out.append("getObject error ").append(e.getSQLState()).append(' ').append(firstLine(e.getMessage()));
                            continue;
                        }
                        if (o == null) {
                            out.append("null");
                        } else if (o instanceof byte[]) {
                            StringBuilder hex = new StringBuilder();
                            for (byte b : (byte[]) o) hex.append(String.format("%02x", b));
                            out.append("byte[]:").append(hex);
                        } else if (o instanceof Object[] && ((Object[]) o).length == 1 && ((Object[]) o)[0] instanceof Object[]) {
                            Object a = ((Object[]) o)[0];
                            out.append("Array:").append(java.util.Arrays.deepToString((Object[]) a))
                               .append(':').append(a.getClass().getComponentType().getSimpleName());
                        } else {
                            out.append(o.getClass().getSimpleName()).append(':').append(o);
                        }
                    }
                    out.append('\n');
                }
            }
        }
    }

    /* the metadata of a query's executed result */
    static void rsmdOf(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rsmd(rs.getMetaData());
        }
    }

    static void rsmd(ResultSetMetaData md) throws SQLException {
        for (int i = 1; i <= md.getColumnCount(); i++) {
            out.append(i).append(": name=").append(md.getColumnName(i)).append(" label=").append(md.getColumnLabel(i))
               .append(" type=").append(md.getColumnType(i)).append(" typeName=").append(md.getColumnTypeName(i))
               .append(" precision=").append(md.getPrecision(i)).append(" scale=").append(md.getScale(i))
               .append(" table=").append(md.getTableName(i)).append(" schema=").append(md.getSchemaName(i))
               .append(" nullable=").append(md.isNullable(i)).append(" autoIncrement=").append(md.isAutoIncrement(i))
               .append(" displaySize=").append(md.getColumnDisplaySize(i)).append(" class=").append(md.getColumnClassName(i))
               .append(" signed=").append(md.isSigned(i)).append(" caseSensitive=").append(md.isCaseSensitive(i))
               .append('\n');
        }
    }

    static void print(ResultSet rs) throws SQLException {
        try (rs) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            StringBuilder head = new StringBuilder("columns");
            for (int i = 1; i <= n; i++) head.append(' ').append(md.getColumnLabel(i));
            out.append(head).append('\n');
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    out.append(i == 1 ? "" : " | ").append(rs.getString(i));
                }
                out.append('\n');
            }
        }
    }
}
