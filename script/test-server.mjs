// npm run test-server: the local IMS + Flow Service server of the tests, on 127.0.0.1, for trying
// the action without Adobe (npm run local-action) and for the self-test job of CI.
//
//   npm run test-server                           prints the inputs that point the action at it; Ctrl-C stops it
//   npm run test-server -- --dotenv .env          also writes those lines into .env (other lines are kept)
//   npm run test-server -- --port 8080            listens on that port, so .env stays right across restarts
//   npm run test-server -- --github-env --detach  in a workflow: starts the server in the background, appends
//                                                 AEP_TEST_* variables to $GITHUB_ENV and returns
//
// It listens on a free port unless --port names one, accepts only the credentials it prints, keeps
// what is created in memory, holds one dataset for the dataflow action, and checks every body
// against Adobe's OpenAPI spec. It stops on Ctrl-C, SIGTERM, or after --max-seconds.
// A detached server writes what it prints to a log file (named in the output), so that it holds none
// of the step's output streams open.

import { spawn } from 'node:child_process'
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startFakePlatform } from '../testing/fake-platform.mjs'

const CREDENTIALS = { clientId: 'test-client-id', clientSecret: 'test-client-secret', imsOrgId: 'TESTORG@AdobeOrg' }
// A dataset for the dataflow action to ingest into (datasets are made in Platform, not by these actions).
const DATASET = { id: '5c8c3c555033b814b69f947f', name: 'Test dataset', schemaId: 'https://ns.adobe.com/testorg/schemas/test-dataset' }

const usage = 'Usage: npm run test-server -- [--port N] [--dotenv FILE] [--github-env] [--detach] [--max-seconds N]'
let args
try {
  args = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      dotenv: { type: 'string' },
      'github-env': { type: 'boolean', default: false },
      detach: { type: 'boolean', default: false },
      'max-seconds': { type: 'string', default: process.env.TEST_SERVER_MAX_SECONDS ?? '0' },
      help: { type: 'boolean', default: false }
    }
  }).values
} catch (error) {
  fail(`${error instanceof Error ? error.message : error}\n${usage}`)
}
if (args.help) {
  console.log(usage)
  process.exit(0)
}
const maxSeconds = Number(args['max-seconds'])
if (!Number.isFinite(maxSeconds) || maxSeconds < 0) fail(`--max-seconds must be 0 (no limit) or more, not "${args['max-seconds']}".`)
const port = /^\d{1,5}$/.test(args.port) ? Number(args.port) : NaN
if (!(port >= 0 && port <= 65535)) fail(`--port must be a port number from 1 to 65535 (or 0 for a free one), not "${args.port}".`)
if (args['github-env'] && !process.env.GITHUB_ENV) fail('--github-env needs the GITHUB_ENV variable the runner sets; outside a workflow, leave it out.')

function fail(message) {
  console.error(`test-server: ${message}`)
  process.exit(2)
}

// Where npm run local-action writes the job summary, relative to where it runs; git ignores the file.
const SUMMARY_LINE = 'GITHUB_STEP_SUMMARY=job-summary.md'

/** The inputs, as local-action's .env reads them (INPUT_ plus the input name, hyphens kept). */
function inputLines(url) {
  return [
    `INPUT_IMS-URL=${url}`,
    `INPUT_PLATFORM-URL=${url}`,
    `INPUT_CLIENT-ID=${CREDENTIALS.clientId}`,
    `INPUT_CLIENT-SECRET=${CREDENTIALS.clientSecret}`,
    `INPUT_IMS-ORG-ID=${CREDENTIALS.imsOrgId}`,
    'INPUT_SANDBOX-NAME=prod'
  ]
}

/** The same values as workflow variables, for `with:` as ${{ env.AEP_TEST_URL }} and so on. */
function githubEnvLines(url, pid) {
  return [
    `AEP_TEST_CLIENT_ID=${CREDENTIALS.clientId}`,
    `AEP_TEST_CLIENT_SECRET=${CREDENTIALS.clientSecret}`,
    `AEP_TEST_DATASET_ID=${DATASET.id}`,
    `AEP_TEST_IMS_ORG_ID=${CREDENTIALS.imsOrgId}`,
    `AEP_TEST_SERVER_PID=${pid}`,
    `AEP_TEST_URL=${url}`
  ]
}

const keyOf = (line) => line.split('=')[0].trim()

/**
 * Sets these keys in a dotenv file where they stand, keeping its other lines, and adds the missing
 * ones at its end; creates the file when missing. The summary line is added only where the file
 * names no summary file of its own. Writing the same lines again leaves the file as it was.
 */
function writeDotenv(file, lines) {
  const existing = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []
  while (existing.length > 0 && existing[existing.length - 1] === '') existing.pop()
  const wanted = new Map([...lines, SUMMARY_LINE].map((line) => [keyOf(line), line]))
  if (existing.some((line) => keyOf(line) === keyOf(SUMMARY_LINE))) wanted.delete(keyOf(SUMMARY_LINE))
  const written = []
  const placed = new Set()
  for (const line of existing) {
    const key = keyOf(line)
    const ours = wanted.get(key)
    if (ours !== undefined) {
      written.push(ours)
      wanted.delete(key)
      placed.add(key)
    } else if (!placed.has(key)) written.push(line) // a second line for one of our keys would leave dotenv to pick one
  }
  writeFileSync(file, [...written, ...wanted.values(), ''].join('\n'))
}

function report(url, pid) {
  const inputs = inputLines(url)
  if (args.dotenv) writeDotenv(args.dotenv, inputs)
  if (args['github-env']) {
    const lines = githubEnvLines(url, pid)
    // One write, so a reader never sees half of it.
    appendFileSync(process.env.GITHUB_ENV, lines.join('\n') + '\n')
    console.log(`Local IMS + Flow Service server on ${url} (pid ${pid}); added to GITHUB_ENV:\n${lines.join('\n')}`)
    return
  }
  console.log(`Local IMS + Flow Service server on ${url} (pid ${pid}).`)
  console.log(
    args.dotenv
      ? `Wrote these inputs into ${args.dotenv} (and ${SUMMARY_LINE}, unless it names a summary file already):`
      : 'Inputs that point the action at it, and where the job summary goes (for npm run local-action, put them in .env):'
  )
  console.log('')
  for (const line of args.dotenv ? inputs : [...inputs, SUMMARY_LINE]) console.log(line)
  console.log('')
  console.log(`For the dataflow action: dataset-id ${DATASET.id} (schema ${DATASET.schemaId}).`)
  if (!args.detach) console.log('Ctrl-C stops it; the connections it holds are kept in memory only.')
}

async function serve() {
  const platform = await startFakePlatform({ ...CREDENTIALS, port }).catch((error) => {
    if (error?.code !== 'EADDRINUSE') throw error
    fail(`port ${port} on 127.0.0.1 is in use (another test server?); stop what listens there, choose another --port, or leave --port out for a free one.`)
  })
  platform.addDataset(DATASET)
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await platform.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  if (maxSeconds > 0) setTimeout(stop, maxSeconds * 1000).unref()
  return platform
}

if (process.env.TEST_SERVER_CHILD === '1') {
  // The detached server: tell the parent where it listens, then keep serving.
  const platform = await serve()
  process.send({ url: platform.url })
  process.disconnect()
} else if (args.detach) {
  const log = join(process.env.RUNNER_TEMP ?? tmpdir(), `aep-test-server-${process.pid}.log`)
  const logFd = openSync(log, 'a')
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--port', String(port), '--max-seconds', String(maxSeconds)], {
    detached: true,
    stdio: ['ignore', logFd, logFd, 'ipc'],
    env: { ...process.env, TEST_SERVER_CHILD: '1' }
  })
  closeSync(logFd)
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start within 30 s')), 30_000)
    child.once('message', (message) => {
      clearTimeout(timer)
      resolve(message.url)
    })
    child.once('exit', (code) => {
      // The child's own sentence, when it gave one (a port in use), says more than its exit code.
      const said = /^test-server: (.+)$/m.exec(readFileSync(log, 'utf8'))?.[1]
      reject(new Error(said ?? `the server exited with code ${code} before it listened; see ${log}`))
    })
  }).catch((error) => fail(error.message))
  child.disconnect()
  child.unref()
  report(url, child.pid)
  console.log(`Its log: ${log}`)
} else {
  const platform = await serve()
  report(platform.url, process.pid)
}
