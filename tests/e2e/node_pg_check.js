// tests/e2e/node_pg_check.js: node-postgres (third_party/node/node_modules/pg) for
// test_clients.py, which runs it against PostgreSQL and against the proxy and compares the
// output byte for byte.
//   node tests/e2e/node_pg_check.js HOST PORT DB USER PASSWORD SQL [PARAM...]
// PARAMs are passed as strings ($1, $2 ...): node-postgres then uses the extended protocol
// (Parse/Bind/Describe/Execute/Sync) with text results. The query runs as an unnamed statement,
// then twice as a named prepared statement (the second Bind reuses the first Parse), and, for a
// query without parameters, once more with binary results (`binary: true`: pg's binary
// parsers; with string parameters that mode fails against PostgreSQL itself in pg 8.16).
// Prints, per run, the fields (name and type OID) and one line per row, each value tagged with
// its JavaScript type. A failure prints "error SQLSTATE" and exits 0: the caller compares that
// line too.
const path = require('path');
const root = path.resolve(__dirname, '..', '..');
const { Client } = require(path.join(root, 'third_party/node/node_modules/pg'));

function show(v) {
  if (v === null) return 'null';
  if (Buffer.isBuffer(v)) return `Buffer:${v.toString('hex')}`;
  if (v instanceof Date) return `Date:${isNaN(v) ? 'invalid' : v.toISOString()}`;
  if (typeof v === 'object') return `${v.constructor.name}:${JSON.stringify(v)}`;
  return `${typeof v}:${JSON.stringify(v)}`;
}

function print(label, r, out) {
  out.push(`${label}: ${r.command} ${r.rowCount}`);
  out.push('fields ' + r.fields.map((f) => `${f.name}:${f.dataTypeID}`).join(' '));
  for (const row of r.rows) out.push(row.map(show).join(' | '));
}

async function run(conf, sql, params, out) {
  const c = new Client(conf);
  try {
    await c.connect();
    print('text', await c.query({ text: sql, values: params, rowMode: 'array' }), out);
    for (let i = 1; i <= 2; i++)
      print(`named ${i}`, await c.query({ name: 'check', text: sql, values: params, rowMode: 'array' }), out);
    if (params.length === 0)
      print('binary', await c.query({ text: sql, rowMode: 'array', binary: true }), out);
  } catch (e) {
    out.push(`error ${e.code}`);
  } finally {
    await c.end().catch(() => {});
  }
}

async function main() {
  const [host, port, database, user, password, sql, ...params] = process.argv.slice(2);
  const out = [];
  await run({ host, port: Number(port), database, user, password }, sql, params, out);
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
