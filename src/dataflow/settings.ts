// Every input of the dataflow action, read and checked into one typed object before any request:
// every problem at once, the mapping file and the schedule included.

import { isAbsolute, relative, resolve, sep } from 'node:path'
import type { SignIn } from '../platform/session.js'
import { type InputProblem, InputReader, SIGN_IN_LINES } from '../settings/reader.js'
import { type MappingRow, readMapping } from './mapping.js'
import { DEFAULTS, INPUT } from './names.js'
import { type Schedule, readSchedule } from './schedule.js'

interface Common extends SignIn {
  plan: boolean
  name: string
  baseConnectionId: string
  table: string
  datasetId: string
}

export interface ApplySettings extends Common {
  operation: 'apply'
  description: string
  /** The mapping input as given, for messages. */
  mappingPath: string
  rows: MappingRow[]
  schedule: Schedule
  enabled: boolean
  ifExists: 'update' | 'reuse' | 'fail'
  waitForRun: boolean
}

/** A delete uses only what finds the flow: its name (the default name is made of table and dataset-id). */
export interface DeleteSettings extends Common {
  operation: 'delete'
}

export type DataflowSettings = ApplySettings | DeleteSettings

/** The runner's edge: the workspace and the text of a file in it (undefined: no such file). */
export interface Files {
  workspace: string
  /** 'outside': a symbolic link leads out of the workspace; 'directory': the path is a directory. */
  readText(absolutePath: string): string | undefined | 'outside' | 'directory'
}

const SINGLE_LINE = [
  ...SIGN_IN_LINES,
  INPUT.connectionId,
  INPUT.table,
  INPUT.datasetId,
  INPUT.mapping,
  INPUT.deltaColumn,
  INPUT.name,
  INPUT.frequency,
  INPUT.interval,
  INPUT.startTime,
  INPUT.backfill,
  INPUT.enabled,
  INPUT.ifExists,
  INPUT.operation,
  INPUT.plan,
  INPUT.waitForRun
]

/** A stable default: a description that changed every run would make every run an update. */
function defaultDescription(env: Record<string, string | undefined>): string {
  const repository = env.GITHUB_REPOSITORY
  return repository ? `Managed by GitHub Actions: ${repository}.` : 'Managed by a GitHub Actions workflow.'
}

export function readDataflowSettings(
  readRaw: (name: string) => string,
  { files, env, nowMs }: { files: Files; env: Record<string, string | undefined>; nowMs: number }
): { settings?: DataflowSettings; problems: InputProblem[] } {
  const inputs = new InputReader(readRaw, DEFAULTS)
  const { problems, problem, read } = inputs
  inputs.singleLine(SINGLE_LINE)
  const operation = inputs.oneOf(INPUT.operation, ['apply', 'delete'] as const)
  const { credentials, ...signIn } = inputs.signIn()
  const plan = inputs.boolean(INPUT.plan)
  const baseConnectionId = inputs.plainId(INPUT.connectionId, 'connection')
  if (baseConnectionId === '' && !inputs.refused(INPUT.connectionId))
    inputs.required(INPUT.connectionId, "give the MySQL base connection's id (the connection action's connection-id output)")
  const table = inputs.required(INPUT.table, "give the table's path as explore lists it (the connection action's tables output)")
  const datasetId = inputs.plainId(INPUT.datasetId, 'dataset')
  if (datasetId === '' && !inputs.refused(INPUT.datasetId)) inputs.required(INPUT.datasetId, 'give the id of the dataset the rows go to')
  const name = read(INPUT.name) || `MySQL ${table} to ${datasetId}`
  const common = { ...signIn, plan, name, baseConnectionId, table, datasetId }

  if (operation === 'delete') {
    if (inputs.boolean(INPUT.waitForRun))
      problem(INPUT.waitForRun, `is true, but ${INPUT.operation} is delete: a deleted dataflow has no run to wait for; wait only when applying.`)
    if (problems.length > 0 || !credentials) return { problems }
    return { problems, settings: { operation, ...common, credentials } }
  }

  const mappingPath = inputs.required(INPUT.mapping, 'give the path of the mapping file, relative to the repository')
  let rows: MappingRow[] | undefined
  if (mappingPath !== '' && !inputs.refused(INPUT.mapping)) {
    const absolute = resolve(files.workspace, mappingPath)
    if (absolute === resolve(files.workspace) || !isInside(files.workspace, absolute)) {
      problem(INPUT.mapping, `must be a file inside the repository (${mappingPath} leads out of it); give a path relative to the repository root.`)
    } else {
      const text = files.readText(absolute)
      if (text === 'outside') problem(INPUT.mapping, `must be a file inside the repository (${mappingPath} is a link that leads out of it).`)
      else if (text === 'directory') {
        const example = `${mappingPath.replace(/\/+$/, '')}/orders.json`
        problem(INPUT.mapping, `must be a file, but ${mappingPath} is a directory: give the path of the mapping file in it, such as ${example}.`)
      } else {
        const read = readMapping(mappingPath, text)
        if (read.ok) rows = read.rows
        else for (const message of read.problems) problems.push({ input: INPUT.mapping, message })
      }
    }
  }
  const schedule = readSchedule(
    { frequency: read(INPUT.frequency), interval: read(INPUT.interval), startTime: read(INPUT.startTime), backfill: read(INPUT.backfill), deltaColumn: read(INPUT.deltaColumn) },
    nowMs
  )
  if (!schedule.ok) for (const { input, message } of schedule.problems) problems.push({ input, message: `Input ${message}` })
  const enabled = inputs.boolean(INPUT.enabled)
  const ifExists = inputs.oneOf(INPUT.ifExists, ['update', 'reuse', 'fail'] as const)
  const waitForRun = inputs.boolean(INPUT.waitForRun)
  if (waitForRun && !enabled) problem(INPUT.waitForRun, `is true, but ${INPUT.enabled} is false: a disabled dataflow never runs; enable it or do not wait.`)
  if (waitForRun && plan) problem(INPUT.waitForRun, `is true, but ${INPUT.plan} is true: a plan creates nothing to run; wait only when applying.`)
  if (problems.length > 0 || !credentials || !rows || !schedule.ok) return { problems }
  return {
    problems,
    settings: {
      operation,
      ...common,
      credentials,
      description: read(INPUT.description) || defaultDescription(env),
      mappingPath,
      rows,
      schedule: schedule.schedule,
      enabled,
      ifExists,
      waitForRun
    }
  }
}

/**
 * What the post step reads: how to sign in, and whether main applied (only an apply creates
 * anything). Not the mapping file or the schedule: a start time that has passed since main, or a
 * workspace a later step removed, must not stop a rollback.
 */
export function readPostSettings(readRaw: (name: string) => string): { signIn?: SignIn; applied: boolean; enabled: boolean; problems: InputProblem[] } {
  const inputs = new InputReader(readRaw, DEFAULTS)
  inputs.singleLine(SIGN_IN_LINES)
  const applied = inputs.oneOf(INPUT.operation, ['apply', 'delete'] as const) === 'apply' && !inputs.boolean(INPUT.plan)
  const enabled = inputs.boolean(INPUT.enabled)
  const { credentials, ...signIn } = inputs.signIn()
  const { problems } = inputs
  if (problems.length > 0 || !credentials) return { applied, enabled, problems }
  return { signIn: { ...signIn, credentials }, applied, enabled, problems }
}

/** Whether `path` lies in the folder `root` (a file named `..maps` in it does; `../maps` does not). */
export function isInside(root: string, path: string): boolean {
  const inside = relative(root, path)
  return inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside)
}
