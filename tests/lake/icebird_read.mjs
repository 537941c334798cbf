// tests/lake/icebird_read.mjs TABLE_DIR [METADATA_FILE] | --each TABLE_DIR...: reads an Iceberg
// table with icebird (an independent JavaScript reader) and prints {"rows": N, "data": [...]} as JSON on stdout, rows
// sorted by their first column. METADATA_FILE (a name in TABLE_DIR/metadata) reads the
// snapshot that file names instead of the version hint's. icebird fetches everything with fetch(); Node's fetch has no file://
// support, so a small shim serves file:// URLs and absolute paths (with Range requests, as
// hyparquet uses them) from the local filesystem.
import { open, readFile, stat } from 'node:fs/promises'

const here = new URL('.', import.meta.url)
const icebirdUrl = new URL('../../third_party/node/node_modules/icebird/src/index.js', here)
const { icebergManifests, icebergMetadata, icebergRead } = await import(icebirdUrl.href)
const { splitManifestEntries } = await import(new URL('manifest.js', icebirdUrl).href)

function localPath(url) {
  const s = String(url)
  if (s.startsWith('file://')) return decodeURIComponent(new URL(s).pathname)
  if (s.startsWith('/')) return s
  return null
}

const realFetch = globalThis.fetch
globalThis.fetch = async (url, init = {}) => {
  const path = localPath(url)
  if (path === null) return realFetch(url, init)
  let size
  try {
    size = (await stat(path)).size
  } catch {
    return new Response(null, { status: 404, statusText: 'Not Found' })
  }
  const range = new Headers(init.headers).get('Range')
  if (init.method === 'HEAD') {
    return new Response(null, { status: 200, headers: { 'Content-Length': String(size) } })
  }
  if (!range) return new Response(await readFile(path), { status: 200 })
  const m = /^bytes=(\d+)-(\d*)$/.exec(range)
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  const fh = await open(path, 'r')
  const buf = Buffer.alloc(Math.max(0, end - start + 1))
  await fh.read(buf, 0, buf.length, start)
  await fh.close()
  return new Response(buf, { status: 206 })
}

// JSON-able values: bigints as decimal text, bytes (binary, uuid) as hex, lists item by item.
// A JavaScript Date ends at year 275760: DuckDB's infinities (and anything past) print as
// "invalid date" instead of throwing.
function plain(v) {
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'invalid date' : v.toISOString()
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex')
  if (Array.isArray(v)) return v.map(plain)
  return v
}

// One table, or with --each every TABLE_DIR given, one JSON line each ({"dir", "rows", "data"} or
// {"dir", "error"}): a node start and icebird's import cost more than reading a small table, and
// the schema tests read several tables at every step.
async function read(dir, metadataFileName) {
  const metadata = await icebergMetadata({ tableUrl: dir, metadataFileName })
  // icebergRead throws "No data manifest files found" for a snapshot that lists no live data
  // file, which is how Iceberg writes an empty table (after a TRUNCATE, or a copy of none):
  // icebird's own manifest reading tells that case apart, and it holds no rows
  const { dataEntries } = splitManifestEntries(await icebergManifests(metadata))
  if (dataEntries.length === 0) return { rows: 0, data: [] }
  const rows = await icebergRead({ tableUrl: dir, metadata })
  const data = rows.map(r => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])))
  const first = data.length ? Object.keys(data[0])[0] : null
  data.sort((a, b) => {
    const x = a[first], y = b[first]
    const nx = Number(x), ny = Number(y)
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny
    return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0
  })
  return { rows: data.length, data }
}

if (process.argv[2] === '--each') {
  for (const dir of process.argv.slice(3)) {
    let line
    try {
      line = { dir, ...(await read(dir)) }
    } catch (e) {
      line = { dir, error: String(e && e.stack || e) }
    }
    process.stdout.write(JSON.stringify(line) + '\n')
  }
} else {
  const dir = process.argv[2]
  if (!dir) {
    console.error('usage: icebird_read.mjs TABLE_DIR [METADATA_FILE] | --each TABLE_DIR...')
    process.exit(2)
  }
  process.stdout.write(JSON.stringify(await read(dir, process.argv[3])) + '\n')
}
