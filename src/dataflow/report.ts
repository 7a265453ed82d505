// What the dataflow action tells the workflow: its outputs, log lines and job summary, in the
// connection action's style and through its guards (every output and summary redacted).

import { reportPlanOf, setOutput } from '../report/outputs.js'
import type { PlanOf, Subject } from '../report/plan-markdown.js'
import { redactedTable, summarise, summariseFailureOf } from '../report/summary.js'
import type { Step } from '../runner/step.js'
import type { Run } from './answers.js'
import type { Applied, Deleted } from './apply.js'
import { OUTPUT } from './names.js'
import { runOutputs } from './runs.js'
import type { DataflowSettings } from './settings.js'

const DATAFLOW: Subject = { noun: 'dataflow', idKey: 'dataflowId', showsAll: true }

/** An id, a word or a count the run made itself: only an exact secret withholds it (see setOutput). */
const own = (name: string, value: string, step: Step): void => setOutput(name, value, step, true)

export function subjectOf(settings: DataflowSettings | undefined): string {
  return settings ? `MySQL dataflow "${settings.name}"` : 'MySQL dataflow'
}

/** Set as soon as the ids are known, so that a later failure (the run) still names them. */
export function reportApplied(result: Applied | Deleted, step: Step): void {
  own(OUTPUT.dataflowId, result.flowId, step)
  own(OUTPUT.sourceConnectionId, result.sourceConnectionId, step)
  own(OUTPUT.targetConnectionId, result.targetConnectionId, step)
  if ('mapping' in result && result.mapping) {
    own(OUTPUT.mappingId, result.mapping.id, step)
    own(OUTPUT.mappingVersion, result.mapping.version, step)
  }
  own(OUTPUT.outcome, result.outcome, step)
}

export function reportRun(run: Run, step: Step): void {
  for (const [name, value] of Object.entries(runOutputs(run))) own(name, value, step)
}

export function writeSummary(settings: DataflowSettings, result: Applied | Deleted, step: Step, extra: Array<[string, string]> = []): void {
  const rows: Array<[string, string]> = [
    ['Dataflow id', result.flowId],
    ['Outcome', result.outcome],
    ['Sandbox', settings.sandboxName],
    ['Table', settings.table],
    ['Dataset', settings.datasetId],
    ['Source connection', result.sourceConnectionId],
    ['Target connection', result.targetConnectionId]
  ]
  if ('mapping' in result && result.mapping) rows.push(['Mapping set', `${result.mapping.id} (version ${result.mapping.version})`])
  summarise(redactedTable(subjectOf(settings), [...rows, ...extra], step), step)
}

export function summariseFailure(settings: DataflowSettings | undefined, message: string, step: Step): void {
  summariseFailureOf(subjectOf(settings), settings?.sandboxName, message, step)
}

export function reportPlan(plan: PlanOf, settings: DataflowSettings, step: Step): void {
  reportPlanOf(plan, { heading: subjectOf(settings), subject: DATAFLOW, idOutput: OUTPUT.dataflowId }, step)
}
