// npm run test-server: the local IMS + Flow Service server of the tests, on 127.0.0.1, for trying
// the action without Adobe (npm run local-action) and for the self-test job of CI.
//
//   npm run test-server                           prints the inputs that point the action at it; Ctrl-C stops it
//   npm run test-server -- --dotenv .env          also writes those inputs into .env (other lines are kept)
//   npm run test-server -- --github-env --detach  in a workflow: starts the server in the background, appends
//                                                 AEP_TEST_* variables to $GITHUB_ENV and returns
//
// It listens on a free port, accepts only the credentials it prints, keeps what is created in memory,
// holds one dataset for the dataflow action, and checks every body against Adobe's OpenAPI spec.
// It stops on Ctrl-C, SIGTERM, or after --max-seconds.
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

const usage = 'Usage: npm run test-server -- [--dotenv FILE] [--github-env] [--detach] [--max-seconds N]'
let args
try {
  args = parseArgs({
    options: {
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
if (args['github-env'] && !process.env.GITHUB_ENV) fail('--github-env needs the GITHUB_ENV variable the runner sets; outside a workflow, leave it out.')

function fail(message) {
  console.error(`test-server: ${message}`)
  process.exit(2)
}

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

/** Sets these keys in a dotenv file, keeping its other lines; creates it when missing. */
function writeDotenv(file, lines) {
  const keys = new Set(lines.map((line) => line.slice(0, line.indexOf('='))))
  const kept = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !keys.has(line.slice(0, line.indexOf('=')).trim()))
    : []
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop()
  writeFileSync(file, [...kept, ...lines, ''].join('\n'))
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
  console.log(args.dotenv ? `Wrote these inputs into ${args.dotenv}:` : 'Inputs that point the action at it (for npm run local-action, put them in .env):')
  console.log('')
  for (const line of inputs) console.log(line)
  console.log('')
  console.log(`For the dataflow action: dataset-id ${DATASET.id} (schema ${DATASET.schemaId}).`)
  if (!args.detach) console.log('Ctrl-C stops it; the connections it holds are kept in memory only.')
}

async function serve() {
  const platform = await startFakePlatform(CREDENTIALS)
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
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--max-seconds', String(maxSeconds)], {
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
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code} before it listened; see ${log}`)))
  }).catch((error) => fail(error.message))
  child.disconnect()
  child.unref()
  report(url, child.pid)
  console.log(`Its log: ${log}`)
} else {
  const platform = await serve()
  report(platform.url, process.pid)
}
