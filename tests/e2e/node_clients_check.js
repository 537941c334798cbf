// tests/e2e/node_clients_check.js: node-postgres (pg) and postgres.js (postgres) from
// third_party/node, for test_client_compare.py, which runs it against PostgreSQL and against
// the proxy and compares the printout section by section ("== name" lines).
//   node tests/e2e/node_clients_check.js HOST PORT DB USER PASSWORD
// Each query's rows are printed with every value tagged by its JavaScript type, with the
// fields' names and type OIDs. node-postgres runs each query as simple query (text), with
// parameters (extended protocol), as a named prepared statement twice, and with binary results;
// postgres.js fetches the array types from pg_type on connect, then runs each query through a
// tagged template (unnamed then prepared statements) and sql.unsafe(). A failure prints
// "error SQLSTATE message" and the next section runs.
const path = require('path');
const root = path.resolve(__dirname, '..', '..');
const nm = path.join(root, 'third_party/node/node_modules');
const { Client } = require(path.join(nm, 'pg'));
const postgres = require(path.join(nm, 'postgres'));

const QUERIES = [
  ['alltypes, no dates', 'SELECT id, i2, i4, i8, num, num102, num405, f4, f8, t, vc, ch, b, ba, tm, ttz, iv, u, j, jb, ai, at, an, m, dom, ip, mn, bt FROM alltypes ORDER BY id'],
  ['alltypes, dates', 'SELECT id, d, ts, tstz FROM alltypes ORDER BY id'],
  ['customers', 'SELECT * FROM customers WHERE id > 1995 OR id IN (1, 2, 9) ORDER BY id'],
  ['orders join', 'SELECT o.id, o.total, o.ordered_at, o.status, o.discount, o.shipping, c.name, c.created_at FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id <= 12 ORDER BY o.id'],
  ['aggregates', 'SELECT status, count(*), sum(total), avg(total), min(ordered_at), max(discount), sum(shipping) FROM orders GROUP BY status ORDER BY status'],
  ['docs', 'SELECT id, body, raw, body -> \'tags\' AS tags FROM docs WHERE id <= 6 ORDER BY id'],
  ['events', 'SELECT id, at, local_ts, kind, duration FROM events WHERE id <= 6 ORDER BY id'],
  ['Mixed Case', 'SELECT * FROM "Mixed Case" ORDER BY "Id" LIMIT 5'],
];
const PARAM_QUERIES = [
  ['orders by parameters', 'SELECT id, total, status FROM orders WHERE customer_id = $1 AND total > $2 ORDER BY id', ['8', '10.5']],
  ['customers by LIKE and array', 'SELECT id, name, tags FROM customers WHERE name LIKE $1 AND id = ANY($2::int8[]) ORDER BY id', ['customer\\_1%', '{1,10,11,12,100}']],
  ['typed parameters', 'SELECT $1::int4 + 1 AS a, $2::numeric * 2 AS b, $3::timestamptz AS c, $4::uuid AS d, $5::jsonb AS e, $6::bool AS f, $7::text[] AS g',
    ['41', '1.25', '2024-02-29 12:00:00+02', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{"b":1,"a":2}', 'yes', '{x,NULL,"y z"}']],
  // node-postgres sends every parameter untyped: as a sort or group key it is a constant (DuckDB
  // refuses a bare one there); passed to an argument of type "any" it stays untyped (42P18)
  ['parameter as a sort and group key', 'SELECT $1 AS k, count(*) FROM alltypes GROUP BY $1 ORDER BY $1, 2', ['x']],
  ['untyped parameter to concat', 'SELECT concat($1, t) FROM alltypes', ['x']],
  ['untyped parameter IS NULL', 'SELECT id FROM alltypes WHERE $1 IS NULL OR i4 = $1', ['7']],
  // ... except under an aggregate's DISTINCT, which sorts it as text
  ['untyped parameter under count(DISTINCT)', 'SELECT count(DISTINCT $1) AS a, count(DISTINCT i4) AS b FROM alltypes', ['x']],
  // a parameter's type comes from its first use in PostgreSQL's order: the select list before
  // WHERE (42P08 here), a CASE's conditions and results in turn (42883: repeat(text, numeric))
  ['parameter in the select list typed by WHERE', 'SELECT $1 FROM alltypes WHERE i4 = $1', ['7']],
  ['parameter typed in CASE order', 'SELECT CASE WHEN i4 IS NULL THEN (CASE WHEN 1e3 = $1 THEN num102 ELSE 100.00 END) '
    + 'WHEN coalesce(i2, 1) > $1 THEN 7 END, repeat(t, $1) FROM alltypes', ['2']],
  // ... and in a set operation's branch it takes the other branches' type (numeric here)
  ['parameter in a set operation', 'SELECT $1 AS v UNION ALL SELECT num102 FROM alltypes ORDER BY 1 NULLS FIRST', ['7']],
];

function show(v) {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Buffer.isBuffer(v)) return `Buffer:${v.toString('hex')}`;
  if (v instanceof Date) return `Date:${isNaN(v) ? 'invalid' : v.toISOString()}`;
  if (Array.isArray(v)) return `Array:[${v.map(show).join(',')}]`;
  if (typeof v === 'bigint') return `bigint:${v.toString()}`;
  if (typeof v === 'object') return `${v.constructor ? v.constructor.name : 'Object'}:${JSON.stringify(v)}`;
  return `${typeof v}:${JSON.stringify(v)}`;
}

const out = [];
async function section(name, fn) {
  out.push(`== ${name}`);
  try {
    await fn();
  } catch (e) {
    out.push(`error ${e.code || ''} ${(e.message || String(e)).split('\n')[0]}`);
  }
}

function printPg(r) {
  out.push(`${r.command} ${r.rowCount}`);
  out.push('fields ' + r.fields.map((f) => `${f.name}:${f.dataTypeID}:${f.dataTypeModifier}:${f.format}`).join(' '));
  for (const row of r.rows) out.push(row.map(show).join(' | '));
}

function printPostgresJs(r) {
  out.push(`${r.command} ${r.count}`);
  out.push('columns ' + (r.columns || []).map((c) => `${c.name}:${c.type}`).join(' '));
  for (const row of r) out.push((Array.isArray(row) ? row : Object.values(row)).map(show).join(' | '));
}

async function nodePg(conf) {
  const c = new Client(conf);
  await c.connect();
  try {
    for (const [name, q] of QUERIES) {
      await section(`pg simple: ${name}`, async () => printPg(await c.query({ text: q, rowMode: 'array' })));
      await section(`pg extended, binary: ${name}`, async () => printPg(await c.query({ text: q, rowMode: 'array', binary: true })));
    }
    for (const [name, q, params] of PARAM_QUERIES) {
      await section(`pg parameters: ${name}`, async () => printPg(await c.query({ text: q, values: params, rowMode: 'array' })));
      await section(`pg named statement x2: ${name}`, async () => {
        for (let i = 0; i < 2; i++) printPg(await c.query({ name: `s_${name.replace(/\W/g, '_')}`, text: q, values: params, rowMode: 'array' }));
      });
    }
    await section('pg error', async () => printPg(await c.query('SELECT 1 / 0')));
  } finally {
    await c.end().catch(() => {});
  }
}

async function postgresJs(conf) {
  const sql = postgres({ host: conf.host, port: conf.port, database: conf.database, username: conf.user,
    password: conf.password, max: 1, connect_timeout: 10, idle_timeout: 1, onnotice: () => {} });
  try {
    for (const [name, q] of QUERIES) {
      await section(`postgres.js unsafe: ${name}`, async () => printPostgresJs(await sql.unsafe(q).values()));
      await section(`postgres.js unsafe, prepared: ${name}`, async () => printPostgresJs(await sql.unsafe(q, [], { prepare: true }).values()));
    }
    await section('postgres.js tagged template', async () => {
      for (let i = 0; i < 3; i++) {
        printPostgresJs(await sql`SELECT id, name, country, credit, tags, mood FROM customers WHERE id < ${4} AND country <> ${'XX'} ORDER BY id`);
      }
    });
    await section('postgres.js typed parameters', async () => {
      printPostgresJs(await sql`SELECT ${42}::int8 AS a, ${1.5}::float8 AS b, ${new Date(Date.UTC(2024, 1, 29, 12))}::timestamptz AS c, ${[1, 2, 3]}::int4[] AS d, ${sql.json({ a: [1, 'x'] })}::jsonb AS e, ${true} AS f, ${'x'} AS g`);
    });
    await section('postgres.js describe', async () => {
      const d = await sql`SELECT id, total, status FROM orders WHERE id = ${1} AND status = ${'paid'}`.describe();
      out.push(`types ${JSON.stringify(d.types)} columns ${JSON.stringify(d.columns.map((c) => [c.name, c.type, c.table, c.number]))}`);
    });
    await section('postgres.js cursor', async () => {
      for await (const rows of sql`SELECT id, total FROM orders WHERE id <= 7 ORDER BY id`.cursor(3)) {
        out.push(`batch ${rows.length}: ${rows.map((r) => `${r.id}:${show(r.total)}`).join(' ')}`);
      }
    });
    await section('postgres.js error', async () => printPostgresJs(await sql`SELECT 1 / 0`));
  } finally {
    await sql.end({ timeout: 2 });
  }
}

async function main() {
  const [host, port, database, user, password] = process.argv.slice(2);
  const conf = { host, port: Number(port), database, user, password };
  await section('pg connect', async () => {});
  try {
    await nodePg(conf);
  } catch (e) {
    out.push(`error ${e.code || ''} ${(e.message || String(e)).split('\n')[0]}`);
  }
  await section('postgres.js connect', async () => {});
  try {
    await postgresJs(conf);
  } catch (e) {
    out.push(`error ${e.code || ''} ${(e.message || String(e)).split('\n')[0]}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
