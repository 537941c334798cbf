// tests/proxy/node_pg_client.js PORT PASSWORD USER DB: node-postgres (extended protocol)
// against the proxy: parameters, a named prepared statement run twice, typed values,
// an error with its SQLSTATE. Prints "ok".
const path = require('path');
const { Client } = require(path.resolve(process.env.AM_ROOT, 'third_party/node/node_modules/pg'));

async function main() {
  const [port, password, user, database] = process.argv.slice(2);
  const c = new Client({ host: '127.0.0.1', port: Number(port), user, password, database });
  await c.connect();
  let r = await c.query('SELECT $1::INTEGER + 1 AS n, $2::VARCHAR AS s', [41, 'hé']);
  if (r.rows[0].n !== 42 || r.rows[0].s !== 'hé') throw new Error(JSON.stringify(r.rows));
  for (let i = 0; i < 2; i++) {
    r = await c.query({ name: 'byid', text: 'SELECT i FROM generate_series(0, 9) t(i) WHERE i = $1', values: [i + 3] });
    if (String(r.rows[0].i) !== String(i + 3)) throw new Error(JSON.stringify(r.rows));
  }
  r = await c.query("SELECT 1.50::DECIMAL(10,2) AS d, DATE '2024-03-01' AS dt, true AS b, NULL::INTEGER AS z");
  if (r.rows[0].d !== '1.50' || r.rows[0].b !== true || r.rows[0].z !== null) throw new Error(JSON.stringify(r.rows));
  if (r.rowCount !== 1 || r.command !== 'SELECT') throw new Error(`${r.command} ${r.rowCount}`);
  try {
    await c.query('SELECT * FROM no_such_table WHERE a = $1', [1]);
    throw new Error('no error');
  } catch (e) {
    if (e.code !== '42P01') throw e;
  }
  r = await c.query('SELECT $1::INTEGER AS x', [7]);
  if (r.rows[0].x !== 7) throw new Error('not usable after an error');
  await c.end();
  console.log('ok');
}
main().catch((e) => { console.error(e); process.exit(1); });
