// What the dataflow action tells the workflow: its outputs, log lines and job summary, in the
// connection action's style and through its guards (every output and summary redacted).

import { redactedPlan, setOutput } from '../report/outputs.js'
import { type PlanOf, type Subject, hasChanges, planJson, planLines, planMarkdown } from '../report/plan-markdown.js'
import { redactedTable, summarise } from '../report/summary.js'
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
  const rows: Array<[string, string]> = [
    ['Outcome', 'failed'],
    ['Error', message]
  ]
  if (settings) rows.push(['Sandbox', settings.sandboxName])
  summarise(redactedTable(subjectOf(settings), rows, step), step)
}

/** The plan as outputs, log lines and summary; a plan of a failure fails the step with apply's message. */
export function reportPlan(plan: PlanOf, settings: DataflowSettings, step: Step): void {
  const { log, redactor } = step
  const shown = redactedPlan(plan, (text) => redactor.redact(text))
  for (const line of planLines(shown, DATAFLOW)) log.info(line)
  log.info('Nothing was written: plan reads only.')
  const markdown = redactor.redact(planMarkdown(shown, `Plan for ${subjectOf(settings)}`, DATAFLOW))
  own(OUTPUT.plan, plan.action, step)
  own(OUTPUT.hasChanges, String(hasChanges(plan)), step)
  setOutput(OUTPUT.changes, planJson(shown, DATAFLOW), step)
  setOutput(OUTPUT.planMarkdown, markdown, step)
  if (plan.connectionId !== null) own(OUTPUT.dataflowId, plan.connectionId, step)
  own(OUTPUT.outcome, 'planned', step)
  summarise(markdown, step)
  if (plan.reason !== undefined) log.error(plan.reason)
}
