// npm run bench: start-up, bundle, requests, scale and memory of the committed bundle (dist/),
// and the dataflow action's requests per mode and create time (dist/dataflow/), against the local
// IMS + Flow Service server.
//
//   npm run bench -- [--runs 25] [--latency 50] [--write]
//
// The time budgets are ratios to the floor (bench/floor.cjs): a CommonJS Node script without
// dependencies that sends the very requests the action sent (recorded by the local server), so
// that a budget passes or fails for the action's own cost, not for the machine's Node start-up or
// network. The two curl calls users write by hand (bench/curl-create.sh) are measured alongside,
// for the record. Two more tables say where the time goes: each run split at the first request
// the server received, and the start-up of a create part by part (bench/probe.mjs).
//
// Timings are medians with their middle half (25th–75th percentile); the sides of each
// comparison run alternately (ABC CBA …) in this one process so that drift of the machine falls
// on all of them. Prints markdown tables; --write also writes them to bench/results.md. Exits 1,
// naming the budget, when one is exceeded.

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
const FLOOR = join(ROOT, 'bench', 'floor.cjs')
const PROBE = join(ROOT, 'bench', 'probe.mjs')

const inputsFor = (platform, overrides = {}) => platformInputs(platform, CLIENT_SECRET, { ...DATABASE, password: PASSWORD, ...overrides })

/** One run of the committed bundle as the runner starts it (no debug logging); a failed run stops the bench. */
async function runBundle(platform, overrides = {}, options = {}) {
  const result = await runAction(inputsFor(platform, overrides), { entry: COMMITTED_ENTRY, debug: false, secrets: [platform.accessToken], ...options })
  if (result.code !== 0) throw new Error(`the action failed (${JSON.stringify(overrides)}): ${result.errors.join(' ') || result.stderr.slice(0, 500)}`)
  return result
}

/** A side of a comparison: the action with these inputs, timed. */
const action = (platform, overrides) => () => runBundle(platform, overrides)

/** A side of a comparison: a command, timed; a failed run stops the bench. */
const command =
  (file, argv, env = { PATH: process.env.PATH }) =>
  async () => {
    const run = await timedRun(file, argv, { env })
    if (run.code !== 0) throw new Error(`${file} ${argv.join(' ')} exited ${run.code}: ${run.stderr.slice(0, 500)}`)
    return run
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
 * The floor for one mode: the requests the action sent in that mode, handed to bench/floor.cjs as
 * its argument (Host and Connection are the HTTP agent's own business), and checked to arrive as
 * the action's did. Returns the floor's run, which takes node options and variables for a probe.
 */
async function floorFor(platform, mode, overrides) {
  platform.reset()
  await runBundle(platform, overrides)
  const sent = received(platform)
  const requests = platform.requests.map(({ method, target, headers: { host, connection, ...headers }, body }) => ({ method, url: `${platform.url}${target}`, headers, body }))
  const floor = (nodeArgs = [], env = {}) => command(process.execPath, [...nodeArgs, FLOOR, JSON.stringify(requests)], { PATH: process.env.PATH, ...env })()
  platform.reset()
  await floor()
  if (received(platform) !== sent) throw new Error(`bench/floor.cjs did not send what the action sent in ${mode} mode (method, target, headers or body differ).`)
  return floor
}

/**
 * One run of `start(nodeArgs, env)` under bench/probe.mjs, which instruments `script`: its marks
 * as ms since the spawn, the time each module of a bundle took, and when the first request reached
 * `platform`.
 */
async function probed(platform, script, start) {
  const out = join(work, 'start-up.json')
  let first
  const stopWatching = platform.watch(() => (first ??= performance.now()))
  platform.reset()
  let run
  try {
    run = await start(['--import', PROBE], { BENCH_PROBE_OUT: out, BENCH_PROBE_SCRIPT: script })
  } finally {
    stopWatching()
  }
  const record = JSON.parse(readFileSync(out, 'utf8'))
  if (record.missing.length > 0) throw new Error(`bench/probe.mjs found no single ${record.missing.join(', ')} in ${relative(ROOT, script)}: teach it the bundle's new shape.`)
  const spawn = performance.timeOrigin + run.startedAt
  const at = Object.fromEntries(Object.entries(record.marks).map(([name, time]) => [name, time - spawn]))
  return { at, calls: record.calls, modules: record.modules, firstRequest: first - run.startedAt }
}

/**
 * Where the start-up of a create goes, action beside floor, from probed runs in turn: each part's
 * median in ms, from the spawn to the IMS request at the server.
 */
async function startUpBreakdown(platform, overrides, floor) {
  const parts = { action: [], floor: [] }
  const sides = {
    action: () => probed(platform, COMMITTED_ENTRY, (nodeArgs, env) => runBundle(platform, overrides, { nodeArgs, env })),
    floor: () => probed(platform, FLOOR, floor)
  }
  for (let run = 0; run < RUNS; run++) {
    for (const side of run % 2 === 0 ? ['action', 'floor'] : ['floor', 'action']) {
      const { at, calls, modules, firstRequest } = await sides[side]()
      const part = { node: at.load, compile: at['first statement'] - at.load, total: firstRequest }
      if (side === 'floor') part.request = firstRequest - at['first statement']
      else {
        const own = { crypto: 0, http: 0, builtins: 0, modules: 0 }
        for (const { self, builtin } of modules) own[builtin === undefined ? 'modules' : builtin === 'crypto' || builtin === 'http' ? builtin : 'builtins'] += self
        const evaluate = at.run - at['first statement']
        Object.assign(part, {
          evaluate,
          ...own,
          runtime: evaluate - own.crypto - own.http - own.builtins - own.modules,
          masking: at.startSealed - at.run,
          state: at.readSettings - at.startSealed,
          inputs: calls.readSettings,
          toSession: at.fetchAccessToken - at.readSettings - calls.readSettings,
          request: firstRequest - at.fetchAccessToken
        })
      }
      parts[side].push(part)
    }
  }
  const medians = (list) => Object.fromEntries(Object.keys(list[0]).map((key) => [key, median(list.map((part) => part[key]))]))
  return { action: medians(parts.action), floor: medians(parts.floor) }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** The median and the middle half (25th to 75th percentile) of some timings. */
function spread(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q) => sorted[Math.round(q * (sorted.length - 1))]
  return { median: median(sorted), low: at(0.25), high: at(0.75) }
}

/**
 * The sides (each a timed run) run alternately, ABC then CBA, after one unmeasured warm-up each:
 * the spread of each side's wall time, and, against `platform`, of the time from its spawn to the
 * first request the server received (the start-up as the server sees it) and from there to the exit.
 */
async function compare(sides, { before = () => undefined, platform } = {}) {
  for (const side of sides) {
    await before()
    await side()
  }
  let first
  const stopWatching = platform?.watch(() => (first ??= performance.now()))
  const times = sides.map(() => ({ total: [], startUp: [], rest: [] }))
  const forward = sides.map((_, i) => i)
  const backward = [...forward].reverse()
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const i of run % 2 === 0 ? forward : backward) {
        await before()
        first = undefined
        const { ms, startedAt } = await sides[i]()
        times[i].total.push(ms)
        if (first === undefined) continue
        times[i].startUp.push(first - startedAt)
        times[i].rest.push(startedAt + ms - first)
      }
    }
  } finally {
    stopWatching?.()
  }
  return times.map(({ total, startUp, rest }) => ({ ...spread(total), startUp: startUp.length ? spread(startUp) : undefined, rest: rest.length ? spread(rest) : undefined }))
}

const ms = (value) => `${value.toFixed(1)} ms`
/** A median with its middle half, e.g. `174.0 ms (170.2–178.9)`. */
const timing = ({ median, low, high }) => `${median.toFixed(1)} ms (${low.toFixed(1)}–${high.toFixed(1)})`
const ratio = (value) => `${value.toFixed(2)}×`
const rows = []
/** Per timed mode: the action's and the floor's timings, split at the first request the server received. */
const phases = []
/** Where the start-up of a create goes (startUpBreakdown). */
let startUp
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
  const coldStart = dryRun.median - bare.median
  row('cold start', `\`node dist/index.js\` in dry-run minus \`node -e 0\` (${timing(dryRun)} − ${timing(bare)})`, `+${ms(coldStart)}`, '≤ 60 ms', coldStart <= 60)

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
    const [ours, least, byHand] = await compare([action(platform, overrides), floor, curl], { before: fresh, platform })
    const toFloor = ours.median / least.median
    row(
      `${mode} ÷ floor`,
      `${how}, ${LATENCY_MS} ms latency: action ÷ bench/floor.cjs sending the same requests (${timing(ours)} ÷ ${timing(least)})`,
      ratio(toFloor),
      `≤ ${ratio(budget)}`,
      toFloor <= budget
    )
    row(
      `${mode} ÷ curl`,
      `same run: action ÷ the two curl calls of bench/curl-create.sh (${timing(ours)} ÷ ${timing(byHand)})`,
      ratio(ours.median / byHand.median),
      'for the record'
    )
    phases.push({ mode, ours, least })
    if (mode === 'create') startUp = await startUpBreakdown(platform, overrides, floor)
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
  const slower = amongMany.median / alone.median - 1
  row(
    'scale',
    `lookup among 10,000 connections (100 same-spec near names) vs none (${timing(amongMany)} vs ${timing(alone)})`,
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
  const [flowCreate] = await compare([() => dataflow.run({})], { before: () => dataflow.fresh() })
  row('dataflow create', `IMS, 5 reads, 3 creates at once, the flow; ${LATENCY_MS} ms latency`, timing(flowCreate), 'for the record')

  const rssMb = probe.maxRssKb / 1024
  row('memory', 'peak RSS of the default upsert', `${rssMb.toFixed(1)} MB`, '≤ 75 MB', rssMb <= 75)
} finally {
  await platform.close()
  await crowded.close()
  rmSync(work, { recursive: true, force: true })
}

/** The rows of the start-up breakdown; a part the floor does not have is a dash. */
function startUpRows({ action, floor }) {
  const cell = (value) => (value === undefined ? '—' : value.toFixed(1))
  return [
    ["Node's own start-up, to loading the script", 'node'],
    ['reading and compiling the script (dist/index.js, bench/floor.cjs)', 'compile'],
    ['evaluating the bundle, to the call of run():', 'evaluate'],
    ["· node:crypto (the run token, the post step's seal, the delimiters of @actions/core's file commands)", 'crypto'],
    ['· node:http (the transport)', 'http'],
    ['· other built-ins (fs, os…)', 'builtins'],
    ["· the action's modules (src/, with @actions/core's command modules and @actions/http-client's proxy check, as ncc joins them)", 'modules'],
    ["· ncc's module runtime and the rest", 'runtime'],
    ['run() to saving the state: masking the secret inputs (each spelling an ::add-mask:: line)', 'masking'],
    ["saving the post step's state (5 keys, sealed with an HMAC), to reading the inputs", 'state'],
    ['reading and checking the inputs (readSettings)', 'inputs'],
    ['masking the secrets the settings derive, the weak-secret check, opening the session', 'toSession'],
    ['building and sending the IMS request, until the server has it (the floor: loading node:http, then the same)', 'request'],
    ['**spawn → IMS request at the server**', 'total']
  ].map(([part, key]) => `| ${part} | ${cell(action[key])} | ${cell(floor[key])} |`)
}

const table = [
  `Node ${process.version}, ${RUNS} runs per side: medians, with the middle half (25th–75th percentile) in brackets; ${LATENCY_MS} ms server latency per request.`,
  ...(RUNS < STEADY_RUNS ? ['', `Fewer than ${STEADY_RUNS} runs per side: the medians are too unsteady to judge the time budgets by.`] : []),
  '',
  '| figure | how | result | budget | met |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.figure} | ${r.how} | ${r.result} | ${r.budget} | ${r.met === undefined ? '—' : r.met ? 'yes' : '**no**'} |`),
  '',
  'Where the time of a run goes, from the same runs: from the spawn to the first request the local server received (the start-up), and from there to the exit.',
  '',
  '| mode | side | spawn → first request | first request → exit | whole run |',
  '|---|---|---|---|---|',
  ...phases.flatMap(({ mode, ours, least }) => [
    `| ${mode} | action | ${timing(ours.startUp)} | ${timing(ours.rest)} | ${timing(ours)} |`,
    `| ${mode} | floor | ${timing(least.startUp)} | ${timing(least.rest)} | ${timing(least)} |`,
    `| ${mode} | action − floor | +${ms(ours.startUp.median - least.startUp.median)} | +${ms(ours.rest.median - least.rest.median)} | +${ms(ours.median - least.median)} |`
  ]),
  '',
  `Where the start-up of a create goes, from the spawn to the IMS request at the server: ${RUNS} runs per side under bench/probe.mjs (which marks the script's loading, its first statement, the entry of run(), startSealed (saving the post step's state), readSettings and fetchAccessToken, and times each module of the bundle), medians in ms. The probe's own cost is in these runs, not in the table above.`,
  '',
  '| part | action | floor |',
  '|---|---|---|',
  ...startUpRows(startUp)
].join('\n')
console.log(table)
if (args.write) writeFileSync(join(ROOT, 'bench', 'results.md'), `${table}\n`)

const exceeded = rows.filter((r) => r.met === false)
for (const r of exceeded) console.error(`Budget exceeded: ${r.figure} came to ${r.result}, and its budget is ${r.budget}.`)
process.exitCode = exceeded.length === 0 ? 0 : 1
