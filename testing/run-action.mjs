// Runs the bundled action as the runner does: a child `node <bundle>/index.js` with INPUT_*
// variables (hyphens kept, action.yml defaults filled in), the GITHUB_* command files and, for
// the tests, RUNNER_DEBUG=1. Every run is checked for leaked secrets: the secret inputs it was
// given and whatever else the caller names. Plain JavaScript, so that the bench (run by node
// directly) shares it with the tests; its types are in run-action.d.mts.
//
// The bundle run by default is the fresh build of src/ that the process tier's globalSetup makes
// (fresh-build.mjs) and names in ACTION_BUNDLE; COMMITTED_ENTRY is the committed dist/.

import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const COMMITTED_DIST = join(ROOT, 'dist')
export const COMMITTED_ENTRY = join(COMMITTED_DIST, 'index.js')
/** The variable through which globalSetup names the bundle's folder to the suites. */
export const BUNDLE_VARIABLE = 'ACTION_BUNDLE'
/** Set to the same folder when globalSetup built it from src/ (not when ACTION_BUNDLE was given). */
export const FRESH_BUILD_VARIABLE = 'ACTION_BUNDLE_FRESH'

const ACTION = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
/** The dataflow action (dataflow/action.yml), whose bundle is built into the dist folder's dataflow/. */
export const DATAFLOW = 'dataflow'
// The runner runs the action on the Node major action.yml declares; so must the tests and the bench.
const DECLARED_NODE = ACTION.runs.using.replace('node', '')
if (process.versions.node.split('.')[0] !== DECLARED_NODE) {
  throw new Error(
    `Run the tests and the bench under Node ${DECLARED_NODE} as action.yml declares (npm test and npm run bench do, through the node package); this is ${process.version}.`
  )
}

/**
 * The defaults of an action's inputs: the connection action's, or the one in that folder. An
 * expression default (github-token's ${{ github.token }}) is the runner's to evaluate; a run names
 * such a value itself.
 */
function defaultsOf(folder) {
  const action = folder ? parse(readFileSync(join(ROOT, folder, 'action.yml'), 'utf8')) : ACTION
  return Object.fromEntries(
    Object.entries(action.inputs)
      .filter(([, input]) => input.default !== undefined && !String(input.default).includes('${{'))
      .map(([name, input]) => [name, String(input.default)])
  )
}

const COMMAND_FILES = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' }

/** The variables that describe the run to the action, as the runner sets them. */
export const RUN_VARIABLES = Object.freeze({
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'octo-org/data-pipelines',
  GITHUB_WORKFLOW: 'Deploy sources',
  GITHUB_RUN_ID: '4242',
  GITHUB_SERVER_URL: 'https://github.com'
})

/** The inputs as the runner passes them: action.yml's defaults filled in. */
export function withDefaults(inputs, action) {
  return { ...defaultsOf(action), ...inputs }
}

/** Inputs whose values are secrets: every run checks that none of them is printed. */
const SECRET_INPUTS = ['password', 'client-secret', 'access-token', 'connection-string', 'github-token']

/** The folder of the bundle the suites run: the fresh build of src/ made for this jest run. */
export function freshBundle() {
  const dir = process.env[BUNDLE_VARIABLE]
  if (!dir) {
    throw new Error(
      `No fresh build of src/ to run: ${BUNDLE_VARIABLE} is not set. The process tier's globalSetup (jest.config.js) builds it; run the suite through npm test, or pass entry to run another bundle.`
    )
  }
  return dir
}

/** Parses the `name<<delimiter` file format of GITHUB_OUTPUT and GITHUB_STATE. */
export function parseCommandFile(text) {
  const values = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const [, name, delimiter] = match
    const value = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
    values[name] = value.join('\n')
  }
  return values
}

export function findLeaks(output, secrets) {
  const visible = output
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  return secrets.filter((secret) => secret !== '' && visible.includes(secret))
}

/**
 * The environment the runner gives a step, with the command files created empty in `dir`:
 * INPUT_* with hyphens kept and action.yml's defaults filled in, STATE_* from `state`, then `env`.
 */
export function runnerEnv(dir, inputs, { state = {}, env = {}, debug = true, action } = {}) {
  const variables = {
    PATH: process.env.PATH ?? '',
    ...RUN_VARIABLES,
    RUNNER_TEMP: dir,
    ...(debug ? { RUNNER_DEBUG: '1' } : {})
  }
  for (const [variable, file] of Object.entries(COMMAND_FILES)) {
    writeFileSync(join(dir, file), '')
    variables[variable] = join(dir, file)
  }
  for (const [name, value] of Object.entries(withDefaults(inputs, action))) variables[`INPUT_${name.toUpperCase()}`] = value
  for (const [name, value] of Object.entries(state)) variables[`STATE_${name}`] = value
  return Object.assign(variables, env)
}

/** Runs a command to its end (SIGKILL after timeoutMs) and times it from spawn to close. */
export async function timedRun(command, argv, { env, cwd, timeoutMs = 20_000 } = {}) {
  const started = performance.now()
  const child = spawn(command, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  }).finally(() => clearTimeout(timer))
  return { code, stdout, stderr, ms: performance.now() - started, startedAt: started }
}

export async function runAction(inputs, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'action-run-'))
  try {
    const env = runnerEnv(dir, inputs, options)
    const entry = options.entry ?? join(freshBundle(), options.action ?? '', 'index.js')
    const { code, stdout, stderr, ms, startedAt } = await timedRun(process.execPath, [...(options.nodeArgs ?? []), entry], { env, cwd: dir, timeoutMs: options.timeoutMs })
    const read = (variable) => readFileSync(env[variable], 'utf8')
    const result = {
      code,
      stdout,
      stderr,
      outputs: parseCommandFile(read('GITHUB_OUTPUT')),
      state: parseCommandFile(read('GITHUB_STATE')),
      summary: read('GITHUB_STEP_SUMMARY'),
      errors: commandLines(stdout, 'error'),
      warnings: commandLines(stdout, 'warning'),
      ms,
      startedAt
    }
    checkForLeaks(result, inputs, options)
    return result
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Throws when the run printed a secret input or one of `options.secrets` (outside ::add-mask::). */
export function checkForLeaks(result, inputs, options = {}) {
  const secrets = [...SECRET_INPUTS.map((name) => inputs[name] ?? ''), ...(options.secrets ?? [])]
  const leaks = findLeaks(result.stdout + '\n' + result.stderr + '\n' + result.summary + '\n' + Object.values(result.outputs).join('\n'), secrets)
  if (leaks.length > 0) throw new Error(`the action printed ${leaks.length} secret value(s) outside ::add-mask::`)
}

/** The messages of the `::<command>::` lines in stdout, unescaped. */
export function commandLines(stdout, command) {
  const prefix = new RegExp(`^::${command}(?: [^:]*)?::`)
  return stdout
    .split('\n')
    .filter((line) => prefix.test(line))
    .map((line) => line.replace(prefix, '').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'))
}
