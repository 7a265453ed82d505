// npm run bench: start-up, bundle, requests, scale and memory of the committed bundle (dist/),
// and the dataflow action's requests per mode and create time (dist/dataflow/), against the local
// IMS + Flow Service server.
//
//   npm run bench -- [--runs 25] [--latency 50] [--write]
//
// The time budgets are ratios to the floor (bench/floor.mjs): a bare Node script that sends the
// very requests the action sent (recorded by the local server), so that a budget passes or fails
// for the action's own cost, not for the machine's Node start-up or network. The two curl calls
// users write by hand (bench/curl-create.sh) are measured alongside, for the record.
//
// Timings are medians; the sides of each comparison run alternately (ABC CBA …) in this one
// process so that drift of the machine falls on all of them. Prints a markdown table; --write also
// writes it to bench/results.md. Exits 1, naming the budget, when one is exceeded.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { startFakePlatform } from '../testing/fake-platform.mjs'
import { COMMITTED_DIST, COMMITTED_ENTRY, DATAFLOW, ROOT, runAction, timedRun } from '../testing/run-action.mjs'
import { DATABASE, platformInputs } from '../testing/scenario.mjs'

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '25' }, latency: { type: 'string', default: '50' }, write: { type: 'boolean', default: false } }
})
const RUNS = Math.max(1, Number(args.runs))
const STEADY_RUNS = 15
const LATENCY_MS = Number(args.latency)
const CLIENT_SECRET = 'bench-client-secret-4d2'
const PASSWORD = 'bench-password-1'

const work = mkdtempSync(join(tmpdir(), 'bench-'))

const inputsFor = (platform, overrides = {}) => platformInputs(platform, CLIENT_SECRET, { ...DATABASE, password: PASSWORD, ...overrides })

/** One run of the committed bundle as the runner starts it (no debug logging); a failed run stops the bench. */
async function runBundle(platform, overrides = {}, options = {}) {
  const result = await runAction(inputsFor(platform, overrides), { entry: COMMITTED_ENTRY, debug: false, secrets: [platform.accessToken], ...options })
  if (result.code !== 0) throw new Error(`the action failed (${JSON.stringify(overrides)}): ${result.errors.join(' ') || result.stderr.slice(0, 500)}`)
  return result
}

/** A side of a comparison: the action with these inputs, timed. */
const action = (platform, overrides) => async () => (await runBundle(platform, overrides)).ms

/** A side of a comparison: a command, timed; a failed run stops the bench. */
const command =
  (file, argv, env = { PATH: process.env.PATH }) =>
  async () => {
    const { code, stderr, ms } = await timedRun(file, argv, { env })
    if (code !== 0) throw new Error(`${file} ${argv.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`)
    return ms
  }

const DATAFLOW_ENTRY = join(COMMITTED_DIST, DATAFLOW, 'index.js')
const BASE_CONNECTION_ID = '7c1e5d1a-5f7a-4f2e-9a43-0d3b2c1e4f10'
const DATASET_ID = '5c8c3c555033b814b69f9480'
/** [mode, minimum requests with IMS, whether the flow exists first, inputs]. */
const DATAFLOW_MODES = [
  ['create', 10, false, {}],
  ['create disabled', 11, false, { enabled: 'false' }],
  ['unchanged', 9, true, {}],
  ['schedule update', 10, true, { frequency: 'day' }],
  ['reuse', 8, true, { 'if-exists': 'reuse' }],
  ['plan of a new one', 6, false, { plan: 'true' }],
  ['plan of an existing one', 9, true, { plan: 'true' }],
  ['delete', 5, true, { operation: 'delete' }]
]

/** The committed dataflow bundle against `platform`, with a mapping file in a workspace of its own. */
function dataflowBench(platform) {
  const workspace = join(work, 'dataflow-workspace')
  mkdirSync(workspace, { recursive: true })
  writeFileSync(join(workspace, 'orders.json'), JSON.stringify([{ source: 'id', destination: '_tenant.orderId' }]))
  const inputs = (overrides) =>
    platformInputs(platform, CLIENT_SECRET, {
      'connection-id': BASE_CONNECTION_ID,
      table: 'orders',
      'dataset-id': DATASET_ID,
      mapping: 'orders.json',
      'delta-column': 'updated_at',
      ...overrides
    })
  return {
    fresh: () => {
      platform.reset()
      platform.addConnection({ id: BASE_CONNECTION_ID, name: 'MySQL shop' })
      platform.addDataset({ id: DATASET_ID })
    },
    run: async (overrides) => {
      const result = await runAction(inputs(overrides), {
        action: DATAFLOW,
        entry: DATAFLOW_ENTRY,
        debug: false,
        env: { GITHUB_WORKSPACE: workspace },
        secrets: [platform.accessToken]
      })
      if (result.code !== 0) throw new Error(`the dataflow action failed (${JSON.stringify(overrides)}): ${result.errors.join(' ') || result.stderr.slice(0, 500)}`)
      return result
    }
  }
}

/** What the local server received, as compared between the action and its floor. */
const received = (platform) => JSON.stringify(platform.requests.map(({ method, target, headers, body }) => ({ method, target, headers, body })))

/**
 * The floor for one mode: the requests the action sent in that mode, written for bench/floor.mjs
 * (Host and Connection are the HTTP agent's own business), and checked to arrive as the action's did.
 */
async function floorFor(platform, mode, overrides) {
  platform.reset()
  await runBundle(platform, overrides)
  const sent = received(platform)
  const requests = platform.requests.map(({ method, target, headers: { host, connection, ...headers }, body }) => ({ method, url: `${platform.url}${target}`, headers, body }))
  const file = join(work, `floor-${mode}.json`)
  writeFileSync(file, JSON.stringify(requests, null, 2))
  const floor = command(process.execPath, [join(ROOT, 'bench', 'floor.mjs'), file])
  platform.reset()
  await floor()
  if (received(platform) !== sent) throw new Error(`bench/floor.mjs did not send what the action sent in ${mode} mode (method, target, headers or body differ).`)
  return floor
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** Medians of the sides run alternately, ABC then CBA, after one unmeasured warm-up each. */
async function compare(sides, before = () => undefined) {
  for (const side of sides) {
    await before()
    await side()
  }
  const times = sides.map(() => [])
  const forward = sides.map((_, i) => i)
  const backward = [...forward].reverse()
  for (let run = 0; run < RUNS; run++) {
    for (const i of run % 2 === 0 ? forward : backward) {
      await before()
      times[i].push(await sides[i]())
    }
  }
  return times.map(median)
}

const ms = (value) => `${value.toFixed(1)} ms`
const ratio = (value) => `${value.toFixed(2)}×`
const rows = []
/** `met` undefined: a figure for the record, without a budget. */
const row = (figure, how, result, budget, met) => rows.push({ figure, how, result, budget, met })

const platform = await startFakePlatform({ latencyMs: LATENCY_MS, clientSecret: CLIENT_SECRET })
const crowded = await startFakePlatform({ latencyMs: LATENCY_MS, clientSecret: CLIENT_SECRET, accessToken: platform.accessToken })
try {
  // Bundle and memory: one probed run of a default upsert records the files it loads and its peak RSS.
  const probeOut = join(work, 'probe.json')
  platform.reset()
  await runBundle(platform, {}, { nodeArgs: ['--import', join(ROOT, 'bench', 'probe.mjs')], env: { BENCH_PROBE_OUT: probeOut } })
  const probe = JSON.parse(readFileSync(probeOut, 'utf8'))
  const loaded = probe.files.filter((file) => file.startsWith(COMMITTED_DIST))
  const bytes = loaded.reduce((sum, file) => sum + statSync(file).size, 0)
  row('bundle', `bytes a default upsert loads (${loaded.map((file) => relative(ROOT, file)).join(', ')})`, `${(bytes / 1000).toFixed(1)} kB`, '≤ 650 kB', bytes <= 650_000)

  const [dryRun, bare] = await compare([action(platform, { 'dry-run': 'true' }), command(process.execPath, ['-e', '0'])])
  row('cold start', `\`node dist/index.js\` in dry-run minus \`node -e 0\` (${ms(dryRun)} − ${ms(bare)})`, `+${ms(dryRun - bare)}`, '≤ 60 ms', dryRun - bare <= 60)

  // The action, its floor and the curl pair, side by side; every run starts from an empty organisation.
  const curlEnv = { PATH: process.env.PATH, BASE_URL: platform.url, CLIENT_ID: 'test-client-id', CLIENT_SECRET, ORG_ID: 'TESTORG@AdobeOrg' }
  const curl = command('bash', [join(ROOT, 'bench', 'curl-create.sh')], curlEnv)
  const fresh = () => platform.reset()
  const modes = [
    ['create', '`if-exists: create`: IMS, POST', { 'if-exists': 'create' }, 1.2],
    ['upsert', 'default `if-exists`: IMS, lookup, POST', {}, 1.16]
  ]
  for (const [mode, how, overrides, budget] of modes) {
    const floor = await floorFor(platform, mode, overrides)
    const [ours, least, byHand] = await compare([action(platform, overrides), floor, curl], fresh)
    row(
      `${mode} ÷ floor`,
      `${how}, ${LATENCY_MS} ms latency: action ÷ bench/floor.mjs sending the same requests (${ms(ours)} ÷ ${ms(least)})`,
      ratio(ours / least),
      `≤ ${ratio(budget)}`,
      ours / least <= budget
    )
    row(`${mode} ÷ curl`, `same run: action ÷ the two curl calls of bench/curl-create.sh (${ms(ours)} ÷ ${ms(byHand)})`, ratio(ours / byHand), 'for the record')
  }

  // Requests per mode, IMS included, against the minimum each mode needs.
  const counted = [
    ['create', 2, {}, { 'if-exists': 'create' }],
    ['upsert of a new connection', 3, {}, {}],
    ['update', 3, { existing: true }, {}],
    ['reuse with verify', 3, { existing: true }, { 'if-exists': 'reuse', verify: 'true' }]
  ]
  const counts = []
  for (const [mode, minimum, setup, overrides] of counted) {
    platform.reset()
    if (setup.existing) platform.addConnection({ name: 'MySQL shop on db.example.com' })
    await runBundle(platform, overrides)
    counts.push({ mode, sent: platform.requests.length, minimum })
  }
  row(
    'requests',
    'per mode, IMS included, vs the minimum',
    counts.map((c) => `${c.mode} ${c.sent}/${c.minimum}`).join('; '),
    'equal',
    counts.every((c) => c.sent === c.minimum)
  )

  // Scale: the same reuse against an empty organisation and one with 10,000 connections.
  const target = { name: 'MySQL shop on db.example.com' }
  platform.reset()
  platform.addConnection(target)
  crowded.seed(9_900, (i) => ({ name: `MySQL shop on db.example.com ${i}`, specId: 'f5421911-6f6c-41c7-aee3-c5f4d1b79c00' }))
  crowded.seed(100, (i) => ({ name: i % 2 ? 'mysql shop on db.example.com' : `MySQL shop on db.example.com (${i})` }))
  crowded.addConnection(target)
  const reuse = { 'if-exists': 'reuse' }
  const [amongMany, alone] = await compare([action(crowded, reuse), action(platform, reuse)])
  crowded.requests.length = 0
  await runBundle(crowded, reuse)
  const lists = crowded.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/connections')).length
  const slower = amongMany / alone - 1
  row(
    'scale',
    `lookup among 10,000 connections (100 same-spec near names) vs none (${ms(amongMany)} vs ${ms(alone)})`,
    `${lists} list request; ${(slower * 100).toFixed(1)} %`,
    '1 request; within 10 %',
    lists === 1 && slower <= 0.1
  )

  // The dataflow action: requests per mode against the design's minimum, and the time of a create.
  const dataflow = dataflowBench(platform)
  const flowCounts = []
  for (const [mode, minimum, existing, overrides] of DATAFLOW_MODES) {
    dataflow.fresh()
    if (existing) await dataflow.run({})
    platform.requests.length = 0
    await dataflow.run(overrides)
    flowCounts.push({ mode, sent: platform.requests.length, minimum })
  }
  row(
    'dataflow requests',
    'per mode, IMS included, vs the minimum of the design (reads in parallel)',
    flowCounts.map((c) => `${c.mode} ${c.sent}/${c.minimum}`).join('; '),
    'equal',
    flowCounts.every((c) => c.sent === c.minimum)
  )
  const [flowCreate] = await compare([() => dataflow.run({}).then((result) => result.ms)], () => dataflow.fresh())
  row('dataflow create', `IMS, 5 reads, 3 creates at once, the flow; ${LATENCY_MS} ms latency`, ms(flowCreate), 'for the record')

  const rssMb = probe.maxRssKb / 1024
  row('memory', 'peak RSS of the default upsert', `${rssMb.toFixed(1)} MB`, '≤ 75 MB', rssMb <= 75)
} finally {
  await platform.close()
  await crowded.close()
  rmSync(work, { recursive: true, force: true })
}

const table = [
  `Node ${process.version}, ${RUNS} runs per side (medians), ${LATENCY_MS} ms server latency per request.`,
  ...(RUNS < STEADY_RUNS ? ['', `Fewer than ${STEADY_RUNS} runs per side: the medians are too unsteady to judge the time budgets by.`] : []),
  '',
  '| figure | how | result | budget | met |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.figure} | ${r.how} | ${r.result} | ${r.budget} | ${r.met === undefined ? '—' : r.met ? 'yes' : '**no**'} |`)
].join('\n')
console.log(table)
if (args.write) writeFileSync(join(ROOT, 'bench', 'results.md'), `${table}\n`)

const exceeded = rows.filter((r) => r.met === false)
for (const r of exceeded) console.error(`Budget exceeded: ${r.figure} came to ${r.result}, and its budget is ${r.budget}.`)
process.exitCode = exceeded.length === 0 ? 0 : 1
