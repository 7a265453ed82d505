// Plays one job of a workflow step by step, as the runner would, for workflows that cannot run
// here: `run:` steps in bash with the runner's command files, steps that use this action (`uses: ./`)
// as the built action, and every ${{ }} and `if:` evaluated by GitHub's own expression package.
// Post steps of the action run at the end, in reverse order, with the state each main step saved.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Evaluator, Lexer, Parser, data } from '@actions/expressions'
import type { FunctionDefinition } from '@actions/expressions/funcs/info'
import { truthy } from '@actions/expressions/result'
import { ROOT, runAction, timedRun } from '../../testing/run-action.mjs'

export interface Step {
  id?: string
  name?: string
  if?: string | boolean
  uses?: string
  run?: string
  with?: Record<string, string | number | boolean>
  env?: Record<string, string>
}

export interface Job {
  if?: string
  env?: Record<string, string>
  outputs?: Record<string, string>
  steps: Step[]
}

/** The contexts a workflow reads besides steps and env: vars, secrets, github, needs. */
export type Contexts = Record<string, unknown>

export interface PlayOptions {
  contexts: Contexts
  /** Inputs added to every step of this action, e.g. to point it at a local server. */
  actionInputs?: Record<string, string>
  /** Rewrites each run: script before it runs, e.g. to point its URLs at a local server. */
  rewriteScript?: (script: string) => string
  /** Values that no step may print outside ::add-mask:: lines. */
  secrets?: string[]
}

export interface StepResult {
  label: string
  outcome: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
  stdout: string
}

export interface JobResult {
  /** Whether the job's own if: let it run. */
  ran: boolean
  steps: StepResult[]
  /** Every step's job summary, main and post steps, in order. */
  summary: string
  outputs: Record<string, string>
  failed: boolean
}

const STATUS = ['success', 'failure', 'always', 'cancelled']

function statusFunctions(failed: () => boolean): Map<string, FunctionDefinition> {
  const fn = (name: string, value: () => boolean): [string, FunctionDefinition] => [name, { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value()) }]
  return new Map([fn('success', () => !failed()), fn('failure', failed), fn('always', () => true), fn('cancelled', () => false)])
}

function evaluate(expression: string, contexts: Contexts, failed: () => boolean): data.ExpressionData {
  const functions = statusFunctions(failed)
  const tokens = new Lexer(expression).lex().tokens
  const tree = new Parser(tokens, Object.keys(contexts), [...functions.values()]).parse()
  const context = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary
  return new Evaluator(tree, context, functions).evaluate()
}

/** A string with each ${{ }} replaced by its value, as the runner does for with:, env: and run:. */
export function fill(text: string, contexts: Contexts, failed: () => boolean = () => false): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => evaluate(expression, contexts, failed).coerceString())
}

/** An if: condition; without a status function it holds only while nothing has failed, as on GitHub. */
export function condition(text: string | boolean | undefined, contexts: Contexts, failed: () => boolean): boolean {
  if (text === undefined) return !failed()
  const expression = String(text)
    .replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1')
    .trim()
  const withStatus = STATUS.some((name) => new RegExp(`\\b${name}\\(`).test(expression)) ? expression : `success() && (${expression})`
  return truthy(evaluate(withStatus, contexts, failed))
}

/** key=value lines and key<<delimiter blocks of GITHUB_OUTPUT. */
function readOutputs(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const block = /^([^<=]+)<<(.+)$/.exec(line)
    if (block) {
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== block[2]; i++) value.push(lines[i] ?? '')
      values[block[1] ?? ''] = value.join('\n')
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return values
}

function visible(output: string): string {
  return output
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
}

export async function playJob(job: Job, options: PlayOptions): Promise<JobResult> {
  const work = mkdtempSync(join(tmpdir(), 'workflow-player-'))
  const steps: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {}
  const results: StepResult[] = []
  const posts: { inputs: Record<string, string>; state: Record<string, string> }[] = []
  let failed = false
  let summary = ''
  const isFailed = () => failed
  const contexts = (env: Record<string, string>): Contexts => ({ ...options.contexts, env, steps })
  try {
    if (job.if !== undefined && !condition(job.if, contexts({}), isFailed)) return { ran: false, steps: [], summary: '', outputs: {}, failed: false }
    const jobEnv = Object.fromEntries(Object.entries(job.env ?? {}).map(([name, value]) => [name, fill(value, contexts({}))]))
    for (const [index, step] of job.steps.entries()) {
      const label = step.name ?? step.id ?? step.uses ?? `step ${index + 1}`
      const stepEnv = { ...jobEnv, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, fill(value, contexts(jobEnv), isFailed)])) }
      let result: StepResult
      if (!condition(step.if, contexts(jobEnv), isFailed)) {
        result = { label, outcome: 'skipped', outputs: {}, stdout: '' }
      } else if (step.uses !== undefined && /^actions\/checkout@/.test(step.uses)) {
        result = { label, outcome: 'success', outputs: {}, stdout: '' }
      } else if (step.uses === './') {
        const given = Object.fromEntries(Object.entries(step.with ?? {}).map(([name, value]) => [name, fill(String(value), contexts(jobEnv), isFailed)]))
        const inputs = { ...given, ...options.actionInputs }
        const run = await runAction(inputs, { secrets: options.secrets })
        summary += run.summary
        posts.unshift({ inputs, state: run.state })
        result = { label, outcome: run.code === 0 ? 'success' : 'failure', outputs: run.outputs, stdout: run.stdout }
      } else if (step.run !== undefined) {
        const files = { GITHUB_OUTPUT: join(work, `output-${index}`), GITHUB_STEP_SUMMARY: join(work, `summary-${index}`), GITHUB_ENV: join(work, `env-${index}`) }
        for (const file of Object.values(files)) writeFileSync(file, '')
        const script = (options.rewriteScript ?? ((text: string) => text))(fill(step.run, contexts(jobEnv), isFailed))
        const env = { PATH: process.env.PATH ?? '', HOME: work, RUNNER_TEMP: work, ...files, ...stepEnv }
        // Not spawnSync: the server a script calls may live in this very process.
        const run = await timedRun('bash', ['--noprofile', '--norc', '-e', '-c', script], { cwd: ROOT, env, timeoutMs: 60_000 })
        const stepSummary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
        summary += stepSummary
        const leaked = (options.secrets ?? []).filter((secret) => secret !== '' && visible(run.stdout + run.stderr + stepSummary).includes(secret))
        if (leaked.length > 0) throw new Error(`the step "${label}" printed ${leaked.length} secret value(s) outside ::add-mask::`)
        result = { label, outcome: run.code === 0 ? 'success' : 'failure', outputs: readOutputs(readFileSync(files.GITHUB_OUTPUT, 'utf8')), stdout: run.stdout + run.stderr }
      } else {
        throw new Error(`the player cannot play the step "${label}"`)
      }
      if (result.outcome === 'failure') failed = true
      if (step.id !== undefined) steps[step.id] = { outputs: result.outputs, outcome: result.outcome, conclusion: result.outcome }
      results.push(result)
    }
    for (const post of posts) summary += (await runAction(post.inputs, { state: post.state, secrets: options.secrets })).summary
    const outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([name, value]) => [name, fill(value, contexts(jobEnv))]))
    return { ran: true, steps: results, summary, outputs, failed }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
