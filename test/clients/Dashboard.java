// Dashboard queries over JDBC (the PostgreSQL JDBC driver that Metabase,
// Tableau, DBeaver and other JVM tools use), against a safety hotspot view on
// the bundled data.  Each answer is checked against an independent plain-SQL
// computation from the raw incidents over the same connection.
//
// Usage: java -cp /usr/share/java/postgresql.jar:. Dashboard HOST PORT USER DB
// HOST may be a Unix socket directory: the driver then talks through the
// small socket factory below (Java 16+ Unix domain channels).
// Prints "jdbc_client: N passed, N failed".
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Dashboard {
    static int passed = 0, failed = 0;

    static void check(String name, boolean ok, String detail) {
        if (ok) { passed++; System.out.println("ok   " + name); }
        else { failed++; System.out.println("FAIL " + name + " " + detail); }
    }

    /** A java.net.Socket over a Unix domain socket, for pgjdbc's socketFactory. */
    public static class UnixSocket extends Socket {
        private final String path;
        private SocketChannel ch;
        private InputStream in;
        private OutputStream out;
        UnixSocket(String path) { this.path = path; }
        @Override public void connect(SocketAddress a) throws IOException { connect(a, 0); }
        @Override public void connect(SocketAddress a, int timeout) throws IOException {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(path));
            in = Channels.newInputStream(ch);
            out = Channels.newOutputStream(ch);
        }
        @Override public InputStream getInputStream() { return in; }
        @Override public OutputStream getOutputStream() { return out; }
        @Override public boolean isConnected() { return ch != null && ch.isConnected(); }
        @Override public boolean isClosed() { return ch != null && !ch.isOpen(); }
        @Override public synchronized void close() throws IOException { if (ch != null) ch.close(); }
        @Override public void setTcpNoDelay(boolean on) { }
        @Override public void setKeepAlive(boolean on) { }
        @Override public synchronized void setSoTimeout(int t) { }
        @Override public synchronized int getSoTimeout() { return 0; }
        @Override public synchronized void setReceiveBufferSize(int s) { }
        @Override public synchronized void setSendBufferSize(int s) { }
        @Override public synchronized int getReceiveBufferSize() { return 65536; }
        @Override public synchronized int getSendBufferSize() { return 65536; }
    }

    public static class UnixSocketFactory extends javax.net.SocketFactory {
        private final String path;
        public UnixSocketFactory(String path) { this.path = path; }
        @Override public Socket createSocket() { return new UnixSocket(path); }
        @Override public Socket createSocket(String h, int p) throws IOException { Socket s = createSocket(); s.connect(null); return s; }
        @Override public Socket createSocket(String h, int p, java.net.InetAddress l, int lp) throws IOException { return createSocket(h, p); }
        @Override public Socket createSocket(java.net.InetAddress h, int p) throws IOException { return createSocket("", p); }
        @Override public Socket createSocket(java.net.InetAddress h, int p, java.net.InetAddress l, int lp) throws IOException { return createSocket("", p); }
    }

    static TreeMap<Long, Long> map(Connection c, String q, Object... args) throws Exception {
        TreeMap<Long, Long> m = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(q)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) { while (rs.next()) m.put(rs.getLong(1), rs.getLong(2)); }
        }
        return m;
    }

    static List<String> rows(Connection c, String q, Object... args) throws Exception {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(q)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 1; i <= n; i++) sb.append(i > 1 ? "|" : "").append(rs.getString(i));
                    out.add(sb.toString());
                }
            }
        }
        return out;
    }

    // the same cells from the raw rows: floor(x / 250), floor(y / 250) in the window, at least 3 events
    static final String PLAIN =
        "SELECT (floor(ST_X(geom) / 250)::bigint << 32) + (floor(ST_Y(geom) / 250)::bigint & 4294967295) AS cell_id, " +
        "floor(ST_X(geom) / 250) AS i, floor(ST_Y(geom) / 250) AS j, count(*) AS events FROM incidents " +
        "WHERE geom IS NOT NULL AND occurred_at > timestamptz '2018-12-31 23:59:59+00' - interval '365 days' " +
        "AND occurred_at <= timestamptz '2018-12-31 23:59:59+00' GROUP BY 1, 2, 3 HAVING count(*) >= 3";

    public static void main(String[] a) throws Exception {
        String host = a[0], port = a[1], user = a[2], db = a[3];
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("sslmode", "disable");
        p.setProperty("gssEncMode", "disable");
        String url;
        if (host.startsWith("/")) {
            p.setProperty("socketFactory", UnixSocketFactory.class.getName());
            p.setProperty("socketFactoryArg", host + "/.s.PGSQL." + port);
            url = "jdbc:postgresql://localhost:" + port + "/" + db;
        } else {
            url = "jdbc:postgresql://" + host + ":" + port + "/" + db;
        }
        try (Connection c = DriverManager.getConnection(url, p)) {
            try (Statement s = c.createStatement()) {
                s.execute("SET timezone = 'UTC'");
                s.execute("SELECT safety.create_hotspot_view('jdbc_hotspots', 'incidents', 'geom', 'occurred_at', 250, 500, " +
                          "'365 days', min_count => 3, as_of => '2018-12-31 23:59:59+00')");
                s.execute("CALL safety.refresh('jdbc_hotspots')");
            }
            TreeMap<Long, Long> all = map(c, "SELECT cell_id, events FROM jdbc_hotspots");
            TreeMap<Long, Long> plain = map(c, "SELECT cell_id, events FROM (" + PLAIN + ") t");
            check("every cell and count equal to plain SQL (" + all.size() + " cells)", all.equals(plain) && all.size() > 0, all.size() + " vs " + plain.size());

            // cells in a bounding box given in longitude/latitude
            double[] bb = {-84.53, 39.10, -84.49, 39.14};
            TreeMap<Long, Long> box = map(c, "SELECT cell_id, events FROM jdbc_hotspots " +
                "WHERE geom && ST_Transform(ST_MakeEnvelope(?, ?, ?, ?, 4326), 32616)", bb[0], bb[1], bb[2], bb[3]);
            TreeMap<Long, Long> boxPlain = map(c, "WITH b AS (SELECT ST_Transform(ST_MakeEnvelope(?, ?, ?, ?, 4326), 32616)::box2d AS b) " +
                "SELECT cell_id, events FROM (" + PLAIN + ") t, b WHERE i * 250 <= ST_XMax(b) AND (i + 1) * 250 >= ST_XMin(b) " +
                "AND j * 250 <= ST_YMax(b) AND (j + 1) * 250 >= ST_YMin(b)", bb[0], bb[1], bb[2], bb[3]);
            check("cells in a bounding box (" + box.size() + " cells)", box.equals(boxPlain) && box.size() > 0, box + " vs " + boxPlain);

            // top 10
            List<String> top = rows(c, "SELECT cell_id, events FROM jdbc_hotspots ORDER BY events DESC, cell_id LIMIT 10");
            List<String> topPlain = rows(c, "SELECT cell_id, events FROM (" + PLAIN + ") t ORDER BY events DESC, cell_id LIMIT 10");
            check("top 10 hotspots", top.equals(topPlain) && top.size() == 10, top + " vs " + topPlain);

            // tier counts: the view's tier column against safety.gi_star (750 m band, FDR) on the window's count grid
            List<String> tiers = rows(c, "SELECT tier, count(*) FROM jdbc_hotspots GROUP BY 1 ORDER BY 1");
            List<String> tiersPlain = rows(c, "SELECT safety.tier_from_gi(z.class) AS tier, count(*) FROM " +
                "(SELECT safety.grid_agg(geom, 250) AS g FROM incidents WHERE geom IS NOT NULL " +
                "AND occurred_at > timestamptz '2018-12-31 23:59:59+00' - interval '365 days' " +
                "AND occurred_at <= timestamptz '2018-12-31 23:59:59+00') t " +
                "CROSS JOIN LATERAL safety.gi_star(t.g, 750, NULL, true) z JOIN (" + PLAIN + ") p ON p.cell_id = z.cell_id " +
                "GROUP BY 1 ORDER BY 1");
            check("tier counts " + tiers, tiers.equals(tiersPlain) && tiers.size() > 1, tiers + " vs " + tiersPlain);

            // density columns, read as doubles
            List<String> dens = rows(c, "SELECT count(*) FILTER (WHERE density > 0), count(*) FILTER (WHERE density_km2 = density * 1e6), " +
                "count(*) FILTER (WHERE gi_z IS NOT NULL) FROM jdbc_hotspots");
            check("density and gi_z columns " + dens, dens.get(0).equals(all.size() + "|" + all.size() + "|" + all.size()), dens.toString());

            // GeoJSON FeatureCollection (read as text, as a BI tool would)
            String fc = rows(c, "SELECT json_build_object('type', 'FeatureCollection', 'features', " +
                "coalesce(json_agg(ST_AsGeoJSON(t.*, 'geom', 6)::json ORDER BY t.cell_id), '[]'::json)) " +
                "FROM (SELECT cell_id, events, ST_Transform(geom, 4326) AS geom FROM jdbc_hotspots) t").get(0);
            Matcher m = Pattern.compile("\"cell_id\"\\s*:\\s*(-?\\d+)\\s*,\\s*\"events\"\\s*:\\s*(\\d+)").matcher(fc);
            TreeMap<Long, Long> fromJson = new TreeMap<>();
            while (m.find()) fromJson.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            check("GeoJSON FeatureCollection", fc.startsWith("{\"type\" : \"FeatureCollection\"") && fromJson.equals(plain),
                  fc.substring(0, Math.min(120, fc.length())));

            // a vector tile over the city
            byte[] tile;
            try (PreparedStatement ps = c.prepareStatement("SELECT safety.hotspot_tile('jdbc_hotspots', 10, 271, 390)");
                 ResultSet rs = ps.executeQuery()) { rs.next(); tile = rs.getBytes(1); }
            String asText = new String(tile, java.nio.charset.StandardCharsets.ISO_8859_1);
            check("vector tile bytes (" + tile.length + " bytes, layer \"hotspots\")", tile.length > 100 && asText.contains("hotspots") && asText.contains("events"), "");

            // refresh history readable by the dashboard
            List<String> log = rows(c, "SELECT status, rows FROM safety.refresh_log WHERE view = 'jdbc_hotspots' ORDER BY id");
            check("refresh logged " + log, log.size() == 1 && log.get(0).equals("ok|" + all.size()), log.toString());

            try (Statement s = c.createStatement()) { s.execute("SELECT safety.drop_view('jdbc_hotspots')"); }
        } catch (Exception e) {
            failed++;
            System.out.println("FAIL " + e);
        }
        System.out.println("jdbc_client: " + passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
