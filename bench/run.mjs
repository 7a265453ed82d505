// npm run bench: start-up, bundle, requests, scale and memory of the bundled action, side by side
// with the curl calls users write by hand, against the local IMS + Flow Service server.
//
//   npm run bench -- [--runs 25] [--latency 50]   (at least 15 runs)
//
// Timings are medians; the two sides of each comparison run alternately (ABBA) in this one
// process so that drift of the machine falls on both. Prints a markdown table and writes it to
// bench/results.md.

import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parse } from 'yaml'
import { startFakePlatform } from '../__tests__/support/fake-platform.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const ENTRY = join(ROOT, 'dist', 'index.js')
const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '25' }, latency: { type: 'string', default: '50' } } })
const RUNS = Math.max(15, Number(args.runs))
const LATENCY_MS = Number(args.latency)
const CLIENT_SECRET = 'bench-client-secret-4d2'

const declared = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')).runs.using.replace('node', '')
if (process.versions.node.split('.')[0] !== declared) {
  throw new Error(`Run the bench under Node ${declared}, as action.yml declares (npm run bench uses the node package's binary); this is ${process.version}.`)
}

const defaults = Object.fromEntries(
  Object.entries(parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')).inputs)
    .filter(([, input]) => input.default !== undefined)
    .map(([name, input]) => [name, String(input.default)])
)
const work = mkdtempSync(join(tmpdir(), 'bench-'))

/** Runs a command to its end and returns the wall time in ms; a failed run stops the bench. */
function timed(command, argv, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = performance.now() - started
      if (code === 0) resolve(ms)
      else reject(new Error(`${command} ${argv.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`))
    })
  })
}

/** The environment the runner gives the action: INPUT_* with hyphens kept, defaults filled in. */
function actionEnv(inputs) {
  const env = { PATH: process.env.PATH, GITHUB_OUTPUT: join(work, 'output'), GITHUB_STATE: join(work, 'state'), GITHUB_REPOSITORY: 'octo-org/bench', GITHUB_RUN_ID: '1' }
  writeFileSync(env.GITHUB_OUTPUT, '')
  writeFileSync(env.GITHUB_STATE, '')
  for (const [name, value] of Object.entries({ ...defaults, ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value
  return env
}

function inputsFor(url, overrides = {}) {
  return {
    'client-id': 'test-client-id',
    'client-secret': CLIENT_SECRET,
    'ims-org-id': 'TESTORG@AdobeOrg',
    'ims-url': url,
    'platform-url': url,
    host: 'db.example.com',
    database: 'shop',
    username: 'etl',
    password: 'bench-password-1',
    ...overrides
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** Medians of two commands run alternately, ABBA, after one unmeasured warm-up each. */
async function compare(a, b, before = () => undefined) {
  await before()
  await a()
  await before()
  await b()
  const times = { a: [], b: [] }
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? ['a', 'b'] : ['b', 'a']
    for (const side of order) {
      await before()
      times[side].push(await (side === 'a' ? a : b)())
    }
  }
  return { a: median(times.a), b: median(times.b) }
}

const node = (argv, env) => () => timed(process.execPath, argv, env)
const ms = (value) => `${value.toFixed(1)} ms`
const rows = []
const row = (figure, how, result, budget, met) => rows.push({ figure, how, result, budget, met })

const platform = await startFakePlatform({ latencyMs: LATENCY_MS, clientSecret: CLIENT_SECRET })
const crowded = await startFakePlatform({ latencyMs: LATENCY_MS, clientSecret: CLIENT_SECRET, accessToken: platform.accessToken })
try {
  // Bundle and memory: one probed run of a default upsert records the files it loads and its peak RSS.
  const probeOut = join(work, 'probe.json')
  platform.reset()
  await timed(process.execPath, ['--import', join(ROOT, 'bench', 'probe.mjs'), ENTRY], { ...actionEnv(inputsFor(platform.url)), BENCH_PROBE_OUT: probeOut })
  const probe = JSON.parse(readFileSync(probeOut, 'utf8'))
  const loaded = probe.files.filter((file) => file.startsWith(join(ROOT, 'dist')))
  const bytes = loaded.reduce((sum, file) => sum + statSync(file).size, 0)
  row('bundle', `bytes a default upsert loads (${loaded.map((file) => relative(ROOT, file)).join(', ')})`, `${(bytes / 1000).toFixed(1)} kB`, '≤ 650 kB', bytes <= 650_000)

  const dryRun = actionEnv(inputsFor(platform.url, { 'dry-run': 'true' }))
  const cold = await compare(node([ENTRY], dryRun), node(['-e', '0'], { PATH: process.env.PATH }))
  row('cold start', `\`node dist/index.js\` in dry-run minus \`node -e 0\` (${ms(cold.a)} − ${ms(cold.b)})`, `+${ms(cold.a - cold.b)}`, '≤ 60 ms', cold.a - cold.b <= 60)

  const curlEnv = { PATH: process.env.PATH, BASE_URL: platform.url, CLIENT_ID: 'test-client-id', CLIENT_SECRET, ORG_ID: 'TESTORG@AdobeOrg' }
  const curl = () => timed('bash', [join(ROOT, 'bench', 'curl-create.sh')], curlEnv)
  const fresh = () => platform.reset()
  const create = await compare(node([ENTRY], actionEnv(inputsFor(platform.url, { 'if-exists': 'create' }))), curl, fresh)
  row('create vs curl', `\`if-exists: create\`, client credentials, ${LATENCY_MS} ms latency: action ÷ the two curl calls (${ms(create.a)} ÷ ${ms(create.b)})`, `${(create.a / create.b).toFixed(2)}×`, '≤ 1.5×', create.a / create.b <= 1.5)
  const upsert = await compare(node([ENTRY], actionEnv(inputsFor(platform.url))), curl, fresh)
  row('upsert vs curl', `default \`if-exists\`, same setup (${ms(upsert.a)} ÷ ${ms(upsert.b)})`, `${(upsert.a / upsert.b).toFixed(2)}×`, '≤ 2.0×', upsert.a / upsert.b <= 2)

  // Requests per mode, IMS included, against the minimum each mode needs.
  const modes = [
    ['create', 2, {}, { 'if-exists': 'create' }],
    ['upsert of a new connection', 3, {}, {}],
    ['update', 3, { existing: true }, {}],
    ['reuse with verify', 3, { existing: true }, { 'if-exists': 'reuse', verify: 'true' }]
  ]
  const counts = []
  for (const [mode, minimum, setup, overrides] of modes) {
    platform.reset()
    if (setup.existing) platform.addConnection({ name: 'MySQL shop on db.example.com' })
    await node([ENTRY], actionEnv(inputsFor(platform.url, overrides)))()
    counts.push({ mode, sent: platform.requests.length, minimum })
  }
  row('requests', 'per mode, IMS included, vs the minimum', counts.map((c) => `${c.mode} ${c.sent}/${c.minimum}`).join('; '), 'equal', counts.every((c) => c.sent === c.minimum))

  // Scale: the same reuse against an empty organisation and one with 10,000 connections.
  const target = { name: 'MySQL shop on db.example.com' }
  platform.reset()
  platform.addConnection(target)
  crowded.seed(9_900, (i) => ({ name: `MySQL shop on db.example.com ${i}`, specId: 'f5421911-6f6c-41c7-aee3-c5f4d1b79c00' }))
  crowded.seed(100, (i) => ({ name: i % 2 ? 'mysql shop on db.example.com' : `MySQL shop on db.example.com (${i})` }))
  crowded.addConnection(target)
  const reuse = { 'if-exists': 'reuse' }
  const scale = await compare(node([ENTRY], actionEnv(inputsFor(crowded.url, reuse))), node([ENTRY], actionEnv(inputsFor(platform.url, reuse))))
  crowded.requests.length = 0
  await node([ENTRY], actionEnv(inputsFor(crowded.url, reuse)))()
  const lists = crowded.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/connections')).length
  const slower = scale.a / scale.b - 1
  row('scale', `lookup among 10,000 connections (100 same-spec near names) vs none (${ms(scale.a)} vs ${ms(scale.b)})`, `${lists} list request; ${(slower * 100).toFixed(1)} %`, '1 request; within 10 %', lists === 1 && slower <= 0.1)

  const rssMb = probe.maxRssKb / 1024
  row('memory', 'peak RSS of the default upsert', `${rssMb.toFixed(1)} MB`, '≤ 75 MB', rssMb <= 75)
} finally {
  await platform.close()
  await crowded.close()
  rmSync(work, { recursive: true, force: true })
}

const table = [
  `Node ${process.version}, ${RUNS} runs per side (medians), ${LATENCY_MS} ms server latency per request.`,
  '',
  '| figure | how | result | budget | met |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.figure} | ${r.how} | ${r.result} | ${r.budget} | ${r.met ? 'yes' : '**no**'} |`)
].join('\n')
console.log(table)
writeFileSync(join(ROOT, 'bench', 'results.md'), `${table}\n`)
process.exitCode = rows.every((r) => r.met) ? 0 : 1
