// Runs the bundled action as the runner does: a child `node dist/index.js` with INPUT_*
// variables (hyphens kept, action.yml defaults filled in), the GITHUB_* command files and
// RUNNER_DEBUG=1. Every run is checked for leaked secrets: the secret inputs it was given and
// whatever else the test names.

import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const ENTRY = join(ROOT, 'dist', 'index.js')

interface ActionYml {
  inputs: Record<string, { default?: string }>
  runs: { using: string }
}
const ACTION = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml
// The runner runs the action on the Node major action.yml declares; so must these tests.
const DECLARED_NODE = ACTION.runs.using.replace('node', '')
if (process.versions.node.split('.')[0] !== DECLARED_NODE) {
  throw new Error(`Run the tests under Node ${DECLARED_NODE} as action.yml declares (npm test does, through the node package); this is ${process.version}.`)
}

const DEFAULTS: Record<string, string> = Object.fromEntries(
  Object.entries((parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml).inputs)
    .filter(([, input]) => input.default !== undefined)
    .map(([name, input]) => [name, String(input.default)])
)

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  /** `::error::` lines, without the command prefix. */
  errors: string[]
  warnings: string[]
}

/** Inputs whose values are secrets: every run checks that none of them is printed. */
const SECRET_INPUTS = ['password', 'client-secret', 'access-token', 'connection-string']

export interface RunOptions {
  /** Further values that must never be printed (a fetched token, a built connection string). */
  secrets?: string[]
  /** Saved state from the main step, for running the post step. */
  state?: Record<string, string>
  env?: Record<string, string>
  timeoutMs?: number
  /** Another copy of the bundle to run instead of dist/index.js. */
  entry?: string
}

/** Parses the `name<<delimiter` file format of GITHUB_OUTPUT and GITHUB_STATE. */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]!)
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!)
    values[name!] = value.join('\n')
  }
  return values
}

export function findLeaks(output: string, secrets: string[]): string[] {
  const visible = output
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  return secrets.filter((secret) => secret !== '' && visible.includes(secret))
}

export async function runAction(inputs: Record<string, string>, options: RunOptions = {}): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'action-run-'))
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary' }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    RUNNER_DEBUG: '1',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo-org/data-pipelines',
    GITHUB_WORKFLOW: 'Deploy sources',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: dir
  }
  for (const [variable, file] of Object.entries(files)) {
    writeFileSync(join(dir, file), '')
    env[variable] = join(dir, file)
  }
  for (const [name, value] of Object.entries({ ...DEFAULTS, ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value
  Object.assign(env, options.env)

  const child = spawn(process.execPath, [options.entry ?? ENTRY], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)

  const read = (file: string): string => readFileSync(join(dir, file), 'utf8')
  const result: RunResult = {
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(read('output')),
    state: parseCommandFile(read('state')),
    summary: read('summary'),
    errors: commandLines(stdout, 'error'),
    warnings: commandLines(stdout, 'warning')
  }
  rmSync(dir, { recursive: true, force: true })

  const secrets = [...SECRET_INPUTS.map((name) => inputs[name] ?? ''), ...(options.secrets ?? [])]
  const leaks = findLeaks(stdout + '\n' + stderr + '\n' + result.summary + '\n' + Object.values(result.outputs).join('\n'), secrets)
  if (leaks.length > 0) throw new Error(`the action printed ${leaks.length} secret value(s) outside ::add-mask::`)
  return result
}

function commandLines(stdout: string, command: string): string[] {
  const prefix = new RegExp(`^::${command}(?: [^:]*)?::`)
  return stdout
    .split('\n')
    .filter((line) => prefix.test(line))
    .map((line) => line.replace(prefix, '').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'))
}
